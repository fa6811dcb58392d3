import type { Server as HttpServer } from 'node:http';
import { NOTES_PATH } from '@hearth/shared';
import type { Auth } from '../auth/Auth.ts';
import type { Origins } from '../http/origins.ts';
import type { Logger } from '../log.ts';
import type { AuditLog } from '../store/AuditLog.ts';
import type { Db } from '../store/Db.ts';
import type { Groups } from '../store/Groups.ts';
import { DEFAULT_NOTES_TIMING, type NotesTiming } from './NotesDoc.ts';
import { NotesEndpoint, type NotesEndpointDeps } from './NotesEndpoint.ts';
import { NotesHub } from './NotesHub.ts';
import type { RedisBus } from '../redis/RedisBus.ts';
import { NotesNotSavedError, busRelay, localRelay } from './NotesRelay.ts';
import { NotesStore } from './NotesStore.ts';

/** How long a freeze waits for the other instances holding the document to confirm their save. */
const FREEZE_TIMEOUT_MS = 5000;

/** The notes part of a running server. */
export interface Notes {
  /** Closes a login's notes connections on this instance (logout; the app tells the others). */
  revoke(authSessionId: string): void;
  /**
   * Freezes a session's notes for its record: from now on nobody edits them, and every instance
   * holding the document saves it before this resolves, so the notes in Postgres are all there is.
   * Rejects with NotesNotSavedError when an instance does not confirm in time (retry later).
   */
  freeze(sessionId: string, by: string | null): Promise<void>;
  /** Whether a session's notes document is open on this instance (loaded, not yet closed). */
  isOpen(sessionId: string): boolean;
  /** Stops accepting, closes connections, saves every open document. */
  close(): Promise<void>;
}

/**
 * Serves notes on `http`: upgrades whose path starts with /yjs/ go to the notes endpoint before
 * Socket.IO's engine sees them (its own listener would otherwise end any upgrade it does not claim
 * after a second, while ours may still be authenticating); every other upgrade goes on to the
 * listeners already attached, as before.
 */
export function attachNotes(
  http: HttpServer,
  deps: {
    db: Db; auth: Auth; groups: Groups; audit: AuditLog; origins: Origins; logger: Logger; bus: RedisBus | null; timing?: NotesTiming; recheckMs?: number;
    connections?: NotesEndpointDeps['connections'];
  }
): Notes {
  const { logger } = deps;
  const store = new NotesStore(deps.db);
  const relay = deps.bus ? busRelay(deps.bus, logger) : localRelay;
  const hub = new NotesHub({ store, relay, logger, timing: deps.timing ?? DEFAULT_NOTES_TIMING });
  const endpoint = new NotesEndpoint({ ...deps, hub, relay });

  const others = http.listeners('upgrade') as ((...args: unknown[]) => void)[];
  http.removeAllListeners('upgrade');
  http.on('upgrade', (req, socket, head) => {
    if (req.url?.startsWith(NOTES_PATH)) return endpoint.handleUpgrade(req, socket, head);
    for (const listener of others) listener.call(http, req, socket, head);
  });

  return {
    revoke: (authSessionId) => endpoint.revoke(authSessionId),
    async freeze(sessionId, by) {
      await store.freeze(sessionId, by);
      if (!(await hub.freezeHere(sessionId))) throw new NotesNotSavedError('Saving the notes on this instance failed.');
      await relay.freezeElsewhere(sessionId, FREEZE_TIMEOUT_MS);
    },
    isOpen: (sessionId) => [...hub.docs()].some((d) => d.sessionId === sessionId),
    close: () => endpoint.close()
  };
}
