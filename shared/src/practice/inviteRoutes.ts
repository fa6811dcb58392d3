import { z } from 'zod';
import type { RouteSpec } from '../api.ts';
import { Uuid } from '../protocol.ts';
import { AdmissionAnswer, AdmissionRequest, GroupInvites, InviteInfo, IssuedInvite, JoinInviteRequest, MemberJoinResponse, PersonalCode, SaveAdmissionRequest } from './invites.ts';

const inviteParams = z.object({ code: PersonalCode }).strict();
const groupParams = z.object({ groupId: Uuid }).strict();
const memberParams = z.object({ groupId: Uuid, memberId: Uuid }).strict();

/**
 * The routes of members' personal invites: the member's side (no sign-in: the code is the
 * credential) and the facilitators' (issuing, revoking, the waiting room's setting). Part of
 * `API_ROUTES`.
 */
export const INVITE_ROUTES = {
  invite: {
    method: 'get', path: '/api/invites/:code', tag: 'invites', auth: 'none',
    summary: 'What a member\'s personal invite page shows before they come in: their alias and the session it opens now. Nothing clinical, no names.',
    description: 'An unknown, replaced or revoked code, and the code of a discharged member, answer alike (`INVITE_NOT_VALID`). Too many codes that do not work from one address answer `RATE_LIMITED`.',
    params: inviteParams,
    responses: { 200: InviteInfo },
    errors: ['INVITE_NOT_VALID', 'RATE_LIMITED']
  },
  joinInvite: {
    method: 'post', path: '/api/invites/:code/join', tag: 'invites', auth: 'none',
    summary: 'A member\'s device asks to come into their group\'s session with their personal invite, and receives a member token.',
    description: 'The device waits (`admission: waiting`) until a facilitator admits it, unless the group admits automatically and no other device of the member is in. A second device always waits: admitting it disconnects the first.',
    params: inviteParams,
    body: JoinInviteRequest,
    responses: { 201: MemberJoinResponse },
    errors: ['INVITE_NOT_VALID', 'RATE_LIMITED', 'NO_OPEN_SESSION', 'SESSION_CANCELLED', 'AGREEMENT_REQUIRED', 'BUSY']
  },
  admission: {
    method: 'post', path: '/api/invites/:code/admission', tag: 'invites', auth: 'none',
    summary: 'Whether a waiting device is let in yet (its page asks every second or two): waiting, admitted, or declined.',
    params: inviteParams,
    body: AdmissionRequest,
    responses: { 200: AdmissionAnswer },
    errors: ['INVITE_NOT_VALID', 'RATE_LIMITED', 'UNAUTHENTICATED']
  },
  groupInvites: {
    method: 'get', path: '/api/groups/:groupId/invites', tag: 'groups', auth: 'clinician',
    summary: 'Members\' personal invites (facilitators of the group): when each was issued and last used, and whether the group admits automatically. Codes are never shown again.',
    params: groupParams,
    responses: { 200: GroupInvites },
    errors: ['FORBIDDEN']
  },
  issueInvite: {
    method: 'post', path: '/api/groups/:groupId/members/:memberId/invite', tag: 'groups', auth: 'clinician',
    summary: 'Issue a member\'s personal invite code (facilitators), shown this once: a code issued before stops working, and so do the devices it let in.',
    params: memberParams,
    responses: { 201: IssuedInvite },
    errors: ['FORBIDDEN', 'NOT_FOUND']
  },
  revokeInvite: {
    method: 'delete', path: '/api/groups/:groupId/members/:memberId/invite', tag: 'groups', auth: 'clinician',
    summary: 'Revoke a member\'s personal invite (facilitators): the code stops working and the devices it let in are disconnected.',
    params: memberParams,
    responses: { 204: null },
    errors: ['FORBIDDEN', 'NOT_FOUND']
  },
  saveAdmission: {
    method: 'put', path: '/api/groups/:groupId/admission', tag: 'groups', auth: 'clinician',
    summary: 'Whether a member\'s first device comes straight in or waits for a facilitator (facilitators of the group). A second device always waits.',
    params: groupParams,
    body: SaveAdmissionRequest,
    responses: { 200: GroupInvites },
    errors: ['FORBIDDEN']
  },
} as const satisfies Record<string, RouteSpec>;
