import type { Flag } from '@hearth/shared';
import { describe, expect, it } from 'vitest';
import { awaitsCrisisAcknowledgement } from '../../web/src/lib/safety/flagWords.ts';

const crisis: Flag = {
  id: 'f1',
  category: 'safety-risk',
  severity: 'crisis',
  memberIds: ['mem-dev'],
  note: '',
  itemId: null,
  raisedBy: 'fac-ana',
  raisedAt: 1,
  acknowledged: null,
  followUps: [],
  steps: [],
  resolved: null
};

describe('the crisis alert', () => {
  it('shows for an unacknowledged crisis flag, and clears once it is acknowledged or resolved', () => {
    expect(awaitsCrisisAcknowledgement(crisis)).toBe(true);
    expect(awaitsCrisisAcknowledgement({ ...crisis, acknowledged: { by: 'fac-ben', at: 2, solo: false } })).toBe(false);
    // Resolved without an acknowledgement (a solo facilitator, say): no banner left waiting.
    expect(awaitsCrisisAcknowledgement({ ...crisis, resolved: { outcome: 'Safety plan in place', by: 'fac-ana', at: 3 } })).toBe(false);
    expect(awaitsCrisisAcknowledgement({ ...crisis, severity: 'high' })).toBe(false);
  });
});
