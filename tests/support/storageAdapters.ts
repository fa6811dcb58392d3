import { openPglite, openPostgres, type Db } from '../../server/src/store/Db.ts';
import { createTestDatabase } from './services.ts';

/** One storage adapter under test: how to open it, and a second handle on the same data. */
export interface StorageAdapter {
  readonly name: string;
  open(): Promise<{ db: Db; second: Db; cleanup(): Promise<void> }>;
}

/** Every adapter of the storage port: each contract suite runs against all of them. */
export const STORAGE_ADAPTERS: readonly StorageAdapter[] = [
  {
    name: 'PGlite (memory://)',
    async open() {
      const db = await openPglite('memory://');
      // PGlite is one embedded database per handle: the "second writer" shares the handle.
      return { db, second: db, cleanup: () => db.close() };
    }
  },
  {
    name: 'Postgres',
    async open() {
      const testDb = await createTestDatabase();
      const db = openPostgres(testDb.url, 4);
      // A second pool stands in for another server instance on the same database.
      const second = openPostgres(testDb.url, 4);
      return {
        db,
        second,
        async cleanup() {
          await db.close();
          await second.close();
          await testDb.drop();
        }
      };
    }
  }
];
