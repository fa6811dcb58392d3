import type { Command } from '@hearth/shared';
import type { BoardConnection, SendOutcome } from '../live/BoardConnection.svelte.ts';
import { newId } from '../newId.ts';

/**
 * What a supervisor may do on a live board, and nothing more: send private cues to the facilitators,
 * acknowledge a flag and add a follow-up to it. Only supervisor views are given one; the server
 * refuses everything else from a supervisor anyway.
 */
export class SupervisorActions {
  readonly #connection: BoardConnection;

  constructor(connection: BoardConnection) {
    this.#connection = connection;
  }

  #send(command: Command): Promise<SendOutcome> {
    return this.#connection.send(command);
  }

  sendCue = (text: string) => this.#send({ type: 'cue.send', cueId: newId(), text });
  acknowledgeFlag = (flagId: string) => this.#send({ type: 'flag.acknowledge', flagId });
  followUpFlag = (flagId: string, note: string) => this.#send({ type: 'flag.follow_up', flagId, note });
}
