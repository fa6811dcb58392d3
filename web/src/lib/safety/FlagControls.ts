import type { SendOutcome } from '../live/BoardConnection.svelte.ts';

/**
 * What a clinician may do to flags, as callbacks. Facilitators get all of them; supervisors may only
 * acknowledge and follow up, so `resolve` and `checkStep` are null for them and those controls are
 * never rendered. Read-only views get no controls object at all.
 */
export interface FlagControls {
  readonly acknowledge: (flagId: string) => Promise<SendOutcome>;
  readonly followUp: (flagId: string, note: string) => Promise<SendOutcome>;
  readonly resolve: ((flagId: string, outcome: string) => Promise<SendOutcome>) | null;
  readonly checkStep: ((flagId: string, stepId: string) => Promise<SendOutcome>) | null;
}
