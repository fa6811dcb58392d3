import type { StaffMember } from '@hearth/shared';

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

  /** "you", the clinician's name, or "a clinician" for an account no longer on the group's staff. */
  name(id: string): string {
    if (id === this.selfId) return 'you';
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
