// Dependency hygiene: the packages the app runs with (`npm audit --omit=dev`) may have no high or
// critical advisory, unless docs/operations.md names and justifies it (a line "- `GHSA-…`: why").
// When the registry's audit service cannot be reached (an offline mirror, a proxy that allows only
// GET), it says so and does not fail: the check is about advisories, not about the network.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * What an `npm audit --json` report (format 2) means here: `null` when there is no report to judge,
 * else its totals and the high or critical advisories that docs/operations.md does not justify.
 */
export function judge(report, operations) {
  if (!report || typeof report !== 'object' || !report.metadata || !report.vulnerabilities) return null;
  const justified = new Set([...operations.matchAll(/^- `(GHSA-[\w-]+)`:/gm)].map((m) => m[1]));
  const serious = [];
  for (const [name, v] of Object.entries(report.vulnerabilities)) {
    if (v.severity !== 'high' && v.severity !== 'critical') continue;
    const ids = (v.via ?? []).filter((x) => typeof x === 'object').map((x) => String(x.url ?? '').split('/').pop());
    if (ids.length > 0 && ids.every((id) => justified.has(id))) continue;
    serious.push(`${name} (${v.severity}): ${ids.join(', ') || `through ${(v.via ?? []).join(', ')}`}`);
  }
  const { high = 0, critical = 0, total = 0 } = report.metadata.vulnerabilities ?? {};
  return { total, high, critical, serious };
}

function main() {
  let raw;
  try {
    raw = execFileSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (e) {
    // npm audit exits 1 when it finds anything; its report is on stdout either way.
    raw = e.stdout ?? '';
  }
  let report = null;
  try {
    report = JSON.parse(raw);
  } catch {
    // no report
  }
  const verdict = judge(report, readFileSync('docs/operations.md', 'utf8'));
  if (!verdict) {
    const why = report?.message || report?.error?.summary || 'no report';
    console.log(`npm audit: the registry's audit service could not be reached (${why}); not checked`);
    return 0;
  }
  console.log(`npm audit --omit=dev: ${verdict.total} advisories, ${verdict.high} high, ${verdict.critical} critical`);
  if (verdict.serious.length === 0) return 0;
  console.error(`high or critical advisories not justified in docs/operations.md:\n  ${verdict.serious.join('\n  ')}`);
  return 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exit(main());
