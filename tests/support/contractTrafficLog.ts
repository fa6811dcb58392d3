import { existsSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One line per test file: how many messages it checked against the contract. */
export const TRAFFIC_LOG = fileURLToPath(new URL('../../node_modules/.cache/hearth/contract-traffic.jsonl', import.meta.url));

/** Vitest global setup: a fresh log per run, and the total printed at the end. */
export default function setup(): () => void {
  rmSync(TRAFFIC_LOG, { force: true });
  return () => {
    if (!existsSync(TRAFFIC_LOG)) return;
    const rows = readFileSync(TRAFFIC_LOG, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { checked: number; mismatches: number });
    const checked = rows.reduce((n, r) => n + r.checked, 0);
    const mismatches = rows.reduce((n, r) => n + r.mismatches, 0);
    process.stdout.write(`\ncontract check on real traffic: ${checked} messages from ${rows.length} test files, ${mismatches} not matching the documents\n`);
  };
}
