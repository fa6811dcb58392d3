import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain script of the CI, without types
import { judge } from '../../.ci/audit.mjs';

const advisory = (id: string, severity: string) => ({ source: 1, name: 'x', title: 't', url: `https://github.com/advisories/${id}`, severity });
const report = (vulnerabilities: Record<string, unknown>, high: number, critical: number) => ({
  auditReportVersion: 2,
  vulnerabilities,
  metadata: { vulnerabilities: { info: 0, low: 0, moderate: 0, high, critical, total: high + critical } }
});

/** The CI's dependency check: high and critical advisories fail it unless docs/operations.md justifies each by id. */
describe('dependency advisories', () => {
  it('fails on a high or critical advisory of a runtime dependency, by package and id', () => {
    const r = report({ lodash: { severity: 'critical', via: [advisory('GHSA-aaaa-bbbb-cccc', 'critical')] }, qs: { severity: 'moderate', via: [advisory('GHSA-q', 'moderate')] } }, 0, 1);
    expect(judge(r, '')).toEqual({ total: 1, high: 0, critical: 1, serious: ['lodash (critical): GHSA-aaaa-bbbb-cccc'] });
  });

  it('passes one that docs/operations.md names with a reason, and only that one', () => {
    const r = report({ a: { severity: 'high', via: [advisory('GHSA-1111-2222-3333', 'high')] }, b: { severity: 'high', via: ['a'] } }, 2, 0);
    const docs = '## Dependency advisories\n\n- `GHSA-1111-2222-3333`: the affected parser is never given input from outside.\n';
    // b is vulnerable only through a: no advisory id of its own, so it is named by what it comes through.
    expect(judge(r, docs)?.serious).toEqual(['b (high): through a']);
  });

  it('passes a clean report, and has nothing to judge when the audit service answered with an error', () => {
    expect(judge(report({}, 0, 0), '')).toEqual({ total: 0, high: 0, critical: 0, serious: [] });
    expect(judge({ message: '405 Method Not Allowed', statusCode: 405 }, '')).toBeNull();
    expect(judge(null, '')).toBeNull();
  });
});
