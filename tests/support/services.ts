import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

/**
 * The real services the integration and end-to-end tests use (and `npm test`'s preflight checks),
 * unless DATABASE_URL, REDIS_URL or CHROMIUM_PATH say otherwise. DATABASE_URL names a server where
 * each run creates (and drops) a database of its own, so runs never collide.
 */
export const SERVICE_DEFAULTS = {
  databaseUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
  redisUrl: 'redis://127.0.0.1:6379',
  chromium: '/usr/bin/chromium'
} as const;

export const ADMIN_DATABASE_URL = process.env['DATABASE_URL'] || SERVICE_DEFAULTS.databaseUrl;
export const REDIS_URL = process.env['REDIS_URL'] || SERVICE_DEFAULTS.redisUrl;

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

/** Creates an empty database for one test file; drop() removes it (forcing off lingering connections). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `hearth_t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(ADMIN_DATABASE_URL, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const a = postgres(ADMIN_DATABASE_URL, { max: 1, onnotice: () => undefined });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    }
  };
}
