import type { ChangeReading, GoalRating } from '@hearth/shared';

/** A session's date as a chart and a table name it: "Dec 3". */
export const sessionDate = (iso: string): string => new Date(iso).toLocaleDateString(undefined, { month: 'short', day: 'numeric' });

export const percent = (share: number): string => `${Math.round(share * 100)}%`;

/** How a trajectory moved, in words a clinician reads at a glance. */
export const CHANGE_WORDS: Record<ChangeReading, string> = {
  'reliably-better': 'Reliable improvement',
  'reliably-worse': 'Reliable deterioration',
  'no-reliable-change': 'No reliable change',
  'not-rated': 'No published threshold for reliable change'
};

/** How a goal went in a session, as the record's review and the progress page say it. */
export const GOAL_RATING_WORDS: Record<GoalRating, string> = { worse: 'Worse', 'no-change': 'No change', better: 'Better' };
