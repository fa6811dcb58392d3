import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boardBenchmarks } from './board.ts';
import { fanoutBenchmarks } from './fanout.ts';
import { notesBenchmarks } from './notes.ts';
import { participationBenchmarks } from './participation.ts';
import { presenceBenchmarks } from './presence.ts';
import { recordsBenchmarks } from './records.ts';
import { ceilingBenchmarks, instancesBenchmarks } from './scaleOut.ts';
import type { BenchResult } from './stats.ts';
import { stormBenchmarks } from './storm.ts';
import { createTestDatabase } from '../tests/support/services.ts';

/**
 * Runs every benchmark on loopback and writes bench/results.json. With DATABASE_URL set the server
 * stores in a fresh database on that Postgres; otherwise in embedded PGlite.
 */
async function main(): Promise<void> {
  const results: Record<string, BenchResult> = {};
  // BENCH_ONLY=fanout,board runs those alone (names as below).
  const only = process.env['BENCH_ONLY']?.split(',');
  const servers = {
    board: boardBenchmarks,
    fanout: fanoutBenchmarks,
    notes: notesBenchmarks,
    records: recordsBenchmarks,
    storm: stormBenchmarks,
    presence: presenceBenchmarks,
    instances: instancesBenchmarks,
    ceiling: ceilingBenchmarks
  };
  // In process and first, before a server competes for the CPU.
  if (!only || only.includes('participation')) Object.assign(results, participationBenchmarks());
  // Each server benchmark gets a server of its own on a fresh store.
  for (const [name, run] of Object.entries(servers)) {
    if (only && !only.includes(name)) continue;
    if (process.env['DATABASE_URL']) {
      const db = await createTestDatabase();
      try {
        Object.assign(results, await run({ DATABASE_URL: db.url }, 'Postgres'));
      } finally {
        await db.drop();
      }
    } else {
      const dir = await mkdtemp(join(tmpdir(), 'hearth-bench-'));
      try {
        Object.assign(results, await run({ DATA_DIR: dir }, 'PGlite'));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
  }
  await writeFile(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
  const rows = Object.entries(results).map(([name, r]) => ({
    benchmark: name,
    median: `${r.median} ${r.unit}`,
    p99: `${r.p99} ${r.unit}`,
    n: r.n,
    baseline: r.baseline ?? ''
  }));
  console.table(rows);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  }
);
