import { existsSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One line per test file: how many messages it checked against the contract. */
export const TRAFFIC_LOG = fileURLToPath(new URL('../../node_modules/.cache/hearth/contract-traffic.jsonl', import.meta.url));

/** One line per live update the e2e tests timed: the delays from the action to each watcher. */
export const LIVE_LOG = fileURLToPath(new URL('../../node_modules/.cache/hearth/live-delays.jsonl', import.meta.url));

/** Vitest global setup: fresh logs per run, and their totals printed at the end. */
export default function setup(): () => void {
  rmSync(TRAFFIC_LOG, { force: true });
  rmSync(LIVE_LOG, { force: true });
  return () => {
    if (existsSync(LIVE_LOG)) {
      const delays = readFileSync(LIVE_LOG, 'utf8').trim().split('\n').flatMap((l) => (JSON.parse(l) as { delays: number[] }).delays).sort((a, b) => a - b);
      const median = delays[Math.floor(delays.length / 2)] ?? 0;
      process.stdout.write(`\nlive updates timed in the browser: ${delays.length}, median ${median} ms, slowest ${delays.at(-1) ?? 0} ms (promise: 1000 ms)\n`);
    }
    if (!existsSync(TRAFFIC_LOG)) return;
    const rows = readFileSync(TRAFFIC_LOG, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { checked: number; mismatches: number });
    const checked = rows.reduce((n, r) => n + r.checked, 0);
    const mismatches = rows.reduce((n, r) => n + r.mismatches, 0);
    process.stdout.write(`\ncontract check on real traffic: ${checked} messages from ${rows.length} test files, ${mismatches} not matching the documents\n`);
  };
}
