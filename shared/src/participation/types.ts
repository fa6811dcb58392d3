import { z } from 'zod';
import { Id, type Frozen } from '../roles.ts';

/** Who holds the floor: a member of the roster, or one of the facilitators (counted apart). */
export const Speaker = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('member'), memberId: Id }).strict(),
  z.object({ kind: z.literal('facilitator') }).strict()
]);
export type Speaker = z.infer<typeof Speaker>;

/** One speaking turn. `end` is null while it lasts; `itemId` is the agenda item current when it began. */
export const Turn = z
  .object({
    speaker: Speaker,
    start: z.number().int().nonnegative(),
    end: z.number().int().nonnegative().nullable(),
    itemId: Id.nullable()
  })
  .strict();
export type Turn = Frozen<z.infer<typeof Turn>>;

/**
 * When to nudge, per group. A member is quiet when their share is below `quietFraction` × the fair
 * share once the session is `quietAfterMinutes` in, or when they have not spoken for `silentMinutes`;
 * dominant when their share is above `dominanceMultiple` × the fair share (also only after
 * `quietAfterMinutes`, so the first speaker of the day is not flagged).
 */
export const ParticipationSettings = z
  .object({
    quietFraction: z.number().min(0.05).max(1),
    quietAfterMinutes: z.number().int().min(1).max(240),
    silentMinutes: z.number().int().min(1).max(240),
    dominanceMultiple: z.number().min(1.1).max(10)
  })
  .strict();
export type ParticipationSettings = z.infer<typeof ParticipationSettings>;

export const DEFAULT_PARTICIPATION_SETTINGS: ParticipationSettings = {
  quietFraction: 0.5,
  quietAfterMinutes: 15,
  silentMinutes: 20,
  dominanceMultiple: 2
};
