import type { MemberJoinResponse } from '@hearth/shared';

/**
 * A member's join answer kept in sessionStorage, one per invite code, so a reload re-joins with the
 * same alias. sessionStorage (not localStorage) because members often use a shared or family
 * device: closing the tab forgets the token.
 */
const keyOf = (code: string) => `hearth.member.${code}`;

function isTicket(value: unknown): value is MemberJoinResponse {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.sessionId === 'string' && typeof v.alias === 'string' && typeof v.token === 'string';
}

export const memberTicket = {
  load(code: string): MemberJoinResponse | null {
    try {
      const raw = sessionStorage.getItem(keyOf(code));
      if (!raw) return null;
      const parsed: unknown = JSON.parse(raw);
      return isTicket(parsed) ? parsed : null;
    } catch {
      return null;
    }
  },
  save(code: string, ticket: MemberJoinResponse): void {
    try {
      sessionStorage.setItem(keyOf(code), JSON.stringify(ticket));
    } catch {
      // Private mode or full storage: the member stays joined until a reload, which is acceptable.
    }
  },
  clear(code: string): void {
    try {
      sessionStorage.removeItem(keyOf(code));
    } catch {
      // Nothing stored, nothing to clear.
    }
  }
};
