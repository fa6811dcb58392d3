import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, expect } from 'vitest';
import { checkTraffic } from './contractTraffic.ts';
import { TRAFFIC_LOG } from './runSummary.ts';

// After each integration and e2e test file: everything its clients received matches the contract.
afterAll(() => {
  const { checked, mismatches } = checkTraffic();
  mkdirSync(dirname(TRAFFIC_LOG), { recursive: true });
  appendFileSync(TRAFFIC_LOG, `${JSON.stringify({ file: expect.getState().testPath, checked, mismatches: mismatches.length })}\n`);
  expect(mismatches, 'messages the server sent that do not match docs/openapi.json or docs/asyncapi.yaml').toEqual([]);
});
