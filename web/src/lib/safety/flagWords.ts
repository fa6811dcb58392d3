import type { Flag, FlagCategory, FlagSeverity } from '@hearth/shared';

/** Categories in the order the raise form offers them, with the words clinicians use. */
export const CATEGORY_LABELS: Readonly<Record<FlagCategory, string>> = {
  'interpersonal-conflict': 'Interpersonal conflict',
  distress: 'Distress',
  'safety-risk': 'Safety risk',
  boundary: 'Boundary',
  'confidentiality-breach': 'Confidentiality breach',
  disruption: 'Disruption',
  other: 'Other'
};

export const CATEGORIES = Object.keys(CATEGORY_LABELS) as FlagCategory[];

export const SEVERITY_LABELS: Readonly<Record<FlagSeverity, string>> = {
  low: 'Low',
  moderate: 'Moderate',
  high: 'High',
  crisis: 'Crisis'
};

/** Least to most severe, as the raise form lists them. */
export const SEVERITIES: readonly FlagSeverity[] = ['low', 'moderate', 'high', 'crisis'];

const RANK: Readonly<Record<FlagSeverity, number>> = { low: 0, moderate: 1, high: 2, crisis: 3 };

/**
 * Flags as the list shows them: open ones first, most severe first, newest first within a severity;
 * then resolved ones, newest first.
 */
export function flagOrder(flags: readonly Flag[]): Flag[] {
  return [...flags].sort((a, b) => {
    const open = Number(a.resolved !== null) - Number(b.resolved !== null);
    if (open !== 0) return open;
    if (a.resolved === null) {
      const severity = RANK[b.severity] - RANK[a.severity];
      if (severity !== 0) return severity;
    }
    return b.raisedAt - a.raisedAt;
  });
}

/** A crisis flag nobody has acknowledged yet: it keeps every clinician's crisis alert up. */
export function awaitsCrisisAcknowledgement(flag: Flag): boolean {
  // A resolved flag needs no one's acknowledgement any more: its alert clears everywhere.
  return flag.severity === 'crisis' && flag.acknowledged === null && flag.resolved === null;
}
