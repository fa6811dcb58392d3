import { openDb } from '../app.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { errorMessage } from '../log.ts';
import { RecordStore } from './RecordStore.ts';

/**
 * `npm run verify-records`: recomputes every hash and link of every group's chain of final records
 * and addenda in the configured database (DATABASE_URL, or the embedded one under DATA_DIR), prints
 * one line per group, and names the first break. Exit 0 when every chain holds, 1 when one breaks,
 * 2 when the check could not run.
 */
async function main(): Promise<number> {
  const config = loadConfig();
  const db = await openDb(config);
  try {
    const store = new RecordStore(db);
    const groups = await store.groupsWithEntries();
    let broken = 0;
    let entries = 0;
    for (const groupId of groups) {
      const result = await store.verify(groupId);
      entries += result.entries;
      if (result.firstBreak) {
        broken++;
        const b = result.firstBreak;
        const session = await store.sessionOf(b.recordId);
        process.stdout.write(
          `BROKEN group ${groupId}: entry ${b.chainSeq} (${b.entryId}) of record ${b.recordId}${session ? ` (session ${session})` : ''}: ${b.problem}\n`
        );
      } else {
        process.stdout.write(`ok     group ${groupId}: ${result.entries} entries\n`);
      }
    }
    process.stdout.write(`${groups.length} chains, ${entries} entries checked; ${broken === 0 ? 'every chain holds' : `${broken} broken`}\n`);
    return broken === 0 ? 0 : 1;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`verify-records could not run: ${e instanceof ConfigError ? e.message : errorMessage(e)}\n`);
    process.exit(2);
  }
);
