import { ErrorCode, type Role, type WireError } from '@hearth/shared';
import type { Groups, SessionRow } from '../store/Groups.ts';
import type { Identity } from './Auth.ts';

export type Access = { ok: true; role: Role; session: SessionRow } | { ok: false; error: WireError };

const forbidden: Access = { ok: false, error: { code: ErrorCode.FORBIDDEN, message: 'You may not open this session.' } };

/**
 * The role an identity has in a session, decided by the server alone: a member token is good for
 * its own session only; a clinician's role comes from the group's staff list.
 */
export async function accessTo(groups: Groups, identity: Identity, sessionId: string): Promise<Access> {
  // A member token for another session learns nothing, not even whether this one exists.
  if (identity.kind === 'member' && identity.sessionId !== sessionId) return forbidden;
  const session = await groups.session(sessionId);
  if (!session) return { ok: false, error: { code: ErrorCode.NOT_FOUND, message: 'No such session.' } };
  if (identity.kind === 'member') return { ok: true, role: 'member', session };
  const role = await groups.roleInGroup(identity.account.id, session.groupId);
  return role ? { ok: true, role, session } : forbidden;
}
