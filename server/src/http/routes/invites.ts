import { API_ROUTES, GROUP_AGREEMENT, type InviteInfo } from '@hearth/shared';
import { randomUUID } from 'node:crypto';
import type { InviteHolder } from '../../store/MemberInvites.ts';
import type { SessionRow } from '../../store/Groups.ts';
import type { Handler } from '../bindRoute.ts';
import { HttpError } from '../errors.ts';
import type { ApiDeps } from './deps.ts';

type R = typeof API_ROUTES;

const NOT_VALID = 'This invite link does not work any more. Ask your facilitator for a new one.';

/**
 * Members' way in: a personal invite names its member (no alias to pick); the device it is opened
 * on waits until a facilitator lets it in. An unknown, replaced or revoked code and a discharged
 * member's code answer alike, and failures are counted per address.
 */
export function inviteRoutes({ auth, audit, board, groups, memberInvites, inviteAttempts }: ApiDeps): {
  invite: Handler<R['invite']>;
  joinInvite: Handler<R['joinInvite']>;
  admission: Handler<R['admission']>;
} {
  const holderOf = async (code: string, ip: string): Promise<InviteHolder> => {
    await inviteAttempts.check(ip);
    const holder = await memberInvites.holder(auth.hashToken(code));
    if (!holder || holder.discharged) {
      await inviteAttempts.fail(ip);
      throw new HttpError('INVITE_NOT_VALID', NOT_VALID);
    }
    return holder;
  };

  /** Whether the member has accepted the agreement as it reads now. */
  const accepted = (holder: InviteHolder) => holder.agreement?.version === GROUP_AGREEMENT.version;

  const infoOf = async (holder: InviteHolder, session: SessionRow | null): Promise<InviteInfo> => ({
    alias: holder.alias,
    agreement: {
      version: GROUP_AGREEMENT.version,
      title: GROUP_AGREEMENT.title,
      points: [...GROUP_AGREEMENT.points],
      acceptedAt: accepted(holder) ? holder.agreement!.acceptedAt : null
    },
    session: session && { id: session.id, title: session.title, status: session.status, scheduledFor: session.scheduledFor },
    // After the group, the member keeps what was shared with them: the group's and their own.
    resources: session?.status === 'ended' ? (await board.view(session.id, { role: 'member', memberId: holder.memberId })).state.resources : []
  });

  return {
    invite: async ({ params, ip }) => {
      const holder = await holderOf(params.code, ip);
      return { status: 200, body: await infoOf(holder, await groups.sessionForMember(holder.groupId)) };
    },

    joinInvite: async ({ params, body, ip }) => {
      const holder = await holderOf(params.code, ip);
      const session = await groups.sessionForMember(holder.groupId, body.sessionId);
      if (!session) throw new HttpError('NO_OPEN_SESSION', 'Your group has no session to join right now. Your facilitator will let you know about the next one.');
      if (session.status === 'cancelled') throw new HttpError('SESSION_CANCELLED', 'This session was cancelled. Your facilitator will let you know about the next one.');
      if (session.status === 'ended') throw new HttpError('NO_OPEN_SESSION', 'Your group\'s last session has ended. Your facilitator will let you know about the next one.');
      // The group agreement is accepted on the member's own device, once per version, before they come in.
      if (!accepted(holder)) {
        if (body.acceptAgreement !== true) throw new HttpError('AGREEMENT_REQUIRED', 'Read the group agreement on your invite page first; joining accepts it.');
        await memberInvites.acceptAgreement(holder.memberId, GROUP_AGREEMENT.version);
        await audit.record({ actorRole: 'member', actorId: holder.memberId, action: 'member.agreement', target: GROUP_AGREEMENT.version, ip });
      }
      const { token, tokenId } = await auth.issueMemberToken(session.id, holder.memberId, holder.inviteId, ip);
      const automatic = await groups.admitsAutomatically(holder.groupId);
      const result = await board.execute(
        session.id,
        randomUUID(),
        { type: 'admission.request', requestId: tokenId, automatic },
        { role: 'member', id: holder.memberId }
      );
      if (!result.ok) {
        // Not on this session's roster (added after it started): the session is not open to them.
        if (result.error.code === 'MEMBER_NOT_FOUND') throw new HttpError('NO_OPEN_SESSION', 'This session is not open to you. Ask your facilitator.');
        throw HttpError.of(result.error);
      }
      await memberInvites.markUsed(holder.inviteId);
      const admission = await board.admission(session.id, holder.memberId, tokenId);
      return { status: 201, body: { sessionId: session.id, alias: holder.alias, token, admission } };
    },

    admission: async ({ params, body, ip }) => {
      const holder = await holderOf(params.code, ip);
      const member = await auth.member(body.token);
      if (!member || member.memberId !== holder.memberId) {
        await inviteAttempts.fail(ip);
        throw new HttpError('UNAUTHENTICATED', 'This device\'s place in the waiting room has ended. Open your invite link again.');
      }
      return { status: 200, body: { admission: await board.admission(member.sessionId, member.memberId, member.tokenId) } };
    }
  };
}
