import { afterAll, beforeAll } from 'vitest';
import type { RunningServer } from '../../server/src/app.ts';
import { connectBoard, type BoardClient } from './boardClient.ts';
import { createTestDatabase, type TestDatabase } from './services.ts';
import { demoLogins, startTestServer } from './testServer.ts';

/** What an integration test works with: a real server, the demo clinicians signed in, sockets to it. */
export interface ServerFixture {
  /** The server under test (available inside tests and hooks). */
  readonly server: RunningServer;
  /** The URL of the suite's own database (for tests that look at or change what is stored). */
  readonly databaseUrl: string;
  /** Cookie header values of facilitators A and B and the supervisor. */
  readonly cookies: { readonly a: string; readonly b: string; readonly supervisor: string };
  /** Opens a /board socket, closed again after the suite. */
  open(auth: { cookie?: string; token?: string; origin?: string }): Promise<BoardClient>;
}

/**
 * Registers, for the enclosing describe block, a fresh Postgres database, a real server on it with
 * the demo organization seeded (with `env` on top), and the demo clinicians' logins — all torn down
 * after, with every socket the suite opened.
 */
export function useServerFixture(env: Record<string, string> = {}): ServerFixture {
  let db: TestDatabase | undefined;
  let server: RunningServer | undefined;
  let cookies: ServerFixture['cookies'] | undefined;
  const sockets: BoardClient[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer({ DATABASE_URL: db.url, ...env });
    cookies = await demoLogins(server.url);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await server?.close();
    await db?.drop();
  });

  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the server fixture is not started yet');
    return value;
  };
  return {
    get server() {
      return started(server);
    },
    get databaseUrl() {
      return started(db).url;
    },
    get cookies() {
      return started(cookies);
    },
    async open(auth) {
      const s = await connectBoard(started(server).url, auth);
      sockets.push(s);
      return s;
    }
  };
}
