import { MEASURE_FLAG_RAISER, type StaffMember } from '@hearth/shared';

/**
 * Names for the account ids in flags, cues and corrections. The board carries ids only; the session
 * API gives clinicians the group's staff. The viewer is "you".
 */
export class StaffDirectory {
  readonly #names: ReadonlyMap<string, string>;
  /** The signed-in clinician's account id. */
  readonly selfId: string;

  constructor(staff: readonly StaffMember[], selfId: string) {
    this.#names = new Map(staff.map((s) => [s.id, s.displayName]));
    this.selfId = selfId;
  }

  /**
   * "you", the clinician's name, "a member's answers" for a flag their measure raised, or "a
   * clinician" for an account no longer on the group's staff.
   */
  name(id: string): string {
    if (id === this.selfId) return 'you';
    if (id === MEASURE_FLAG_RAISER) return 'a member\'s answers';
    return this.#names.get(id) ?? 'a clinician';
  }

  /** The same, for the start of a sentence. */
  capitalName(id: string): string {
    const n = this.name(id);
    return n.charAt(0).toUpperCase() + n.slice(1);
  }

  isSelf(id: string): boolean {
    return id === this.selfId;
  }
}
