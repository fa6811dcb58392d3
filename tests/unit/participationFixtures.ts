import { DEFAULT_PARTICIPATION_SETTINGS, type ParticipationSettings, type Turn } from '../../shared/src/participation/types.ts';

/** A fixed, whole-minute instant: turn times in the tests read as minutes after it. */
export const T0 = Date.UTC(2025, 0, 7, 17, 0, 0);
export const MIN = 60_000;

export const settings: ParticipationSettings = DEFAULT_PARTICIPATION_SETTINGS;

/** A member's turn from `from` to `to` minutes after T0 (`to` null: still speaking). */
export function said(memberId: string, from: number, to: number | null, itemId: string | null = null): Turn {
  return { speaker: { kind: 'member', memberId }, start: T0 + from * MIN, end: to === null ? null : T0 + to * MIN, itemId };
}

/** A facilitator's turn, minutes after T0. */
export function facilitated(from: number, to: number | null, itemId: string | null = null): Turn {
  return { speaker: { kind: 'facilitator' }, start: T0 + from * MIN, end: to === null ? null : T0 + to * MIN, itemId };
}

/** The instant `minutes` after T0. */
export function at(minutes: number): number {
  return T0 + minutes * MIN;
}
