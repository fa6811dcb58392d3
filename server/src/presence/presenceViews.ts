import type { PresencePerson, PresenceState, PresenceView, Role } from '@hearth/shared';
import type { PresenceConn } from './PresenceStore.ts';

const RANK: Readonly<Record<Role, number>> = { facilitator: 0, supervisor: 1, member: 2 };

/** One line per person: connected if any of their connections is, else reconnecting. */
export function people(conns: readonly PresenceConn[]): PresencePerson[] {
  const byKey = new Map<string, PresencePerson>();
  for (const c of conns) {
    const seen = byKey.get(c.key);
    const state: PresenceState = seen?.state === 'connected' || c.state === 'connected' ? 'connected' : 'reconnecting';
    byKey.set(c.key, { key: c.key, role: seen?.role ?? c.role, name: seen?.name ?? c.name, state });
  }
  return [...byKey.values()].sort(
    (a, b) => RANK[a.role] - RANK[b.role] || a.name.localeCompare(b.name) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
  );
}

/** What facilitators and supervisors see: everyone, by name and role. */
export function clinicianView(sessionId: string, everyone: readonly PresencePerson[]): PresenceView {
  return { sessionId, audience: 'clinician', people: everyone };
}

/**
 * What members see: the members at the board by alias (their own line included), how many
 * facilitators are there, and whether someone observes — never a clinician's name or key, nor who
 * observes. A member's roster id is not sent either: aliases are what members know each other by.
 */
export function memberView(sessionId: string, everyone: readonly PresencePerson[]): PresenceView {
  return {
    sessionId,
    audience: 'member',
    members: everyone.filter((p) => p.role === 'member').map((p) => ({ alias: p.name, state: p.state })),
    facilitators: everyone.filter((p) => p.role === 'facilitator').length,
    // Consent: a member is told that the session is watched, including while the observer reconnects.
    observed: everyone.some((p) => p.role === 'supervisor')
  };
}
