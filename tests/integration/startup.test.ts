import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/src/app.ts';
import { ConfigError, loadConfig } from '../../server/src/config.ts';
import { api } from '../support/boardClient.ts';
import { createTestDatabase, REDIS_URL } from '../support/services.ts';
import { startTestServer } from '../support/testServer.ts';

/** Starting up: configuration errors name the variable; instances starting together seed the demo once. */
describe('startup', () => {
  const servers: RunningServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.close();
  });

  it('names every bad environment variable', () => {
    const attempt = () => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', REDIS_URL: 'http://r', PUBLIC_ORIGIN: 'not a url', SESSION_SECRET: 'short' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (e) {
      const text = (e as ConfigError).message;
      for (const name of ['PORT', 'DATABASE_URL', 'REDIS_URL', 'PUBLIC_ORIGIN', 'SESSION_SECRET']) expect(text).toContain(name);
    }
  });

  it('applies defaults: port 3000, embedded database, in-process fan-out, demo only on the embedded database', () => {
    const embedded = loadConfig({});
    expect(embedded).toMatchObject({ port: 3000, databaseUrl: null, redisUrl: null, dataDir: './data', demo: true });
    expect(loadConfig({ DATABASE_URL: 'postgres://h/db' }).demo).toBe(false);
    expect(loadConfig({ DATABASE_URL: 'postgres://h/db', DEMO: 'true' }).demo).toBe(true);
  });

  it('seeds the demo organization once when two instances start together on an empty database', async () => {
    const db = await createTestDatabase();
    try {
      const started = await Promise.all([
        startTestServer({ DATABASE_URL: db.url, REDIS_URL }),
        startTestServer({ DATABASE_URL: db.url, REDIS_URL })
      ]);
      servers.push(...started);
      const sql = postgres(db.url, { max: 1 });
      const [orgs] = await sql`select count(*)::int as n from organizations`;
      const [sessions] = await sql`select count(*)::int as n from sessions`;
      await sql.end();
      expect(orgs?.['n']).toBe(1);
      expect(sessions?.['n']).toBe(1);
      for (const s of started) {
        expect((await api(s.url, '/health')).body).toEqual({ ok: true, database: 'ok', redis: 'ok' });
      }
    } finally {
      for (const s of servers.splice(0)) await s.close();
      await db.drop();
    }
  });
});
