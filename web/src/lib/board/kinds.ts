import type { ItemKind, ItemStatus } from '@hearth/shared';

/** How each agenda item kind reads to a person. */
export const KIND_LABELS: Record<ItemKind, string> = {
  'check-in': 'Check-in',
  psychoeducation: 'Psychoeducation',
  'skill-practice': 'Skill practice',
  'open-process': 'Open process',
  break: 'Break',
  'check-out': 'Check-out',
  other: 'Other'
};

/** Kinds in the order a session usually runs them, for pickers. */
export const KINDS = Object.keys(KIND_LABELS) as ItemKind[];

/** How each item status reads to a person. */
export const STATUS_LABELS: Record<ItemStatus, string> = {
  pending: 'Not started',
  current: 'In progress',
  done: 'Done',
  skipped: 'Skipped'
};
