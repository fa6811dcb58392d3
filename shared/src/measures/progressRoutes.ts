import { z } from 'zod';
import type { RouteSpec } from '../api.ts';
import { Uuid } from '../protocol.ts';
import { GroupProgress, MemberProgress } from './progress.ts';
const groupParams = z.object({ groupId: Uuid }).strict();
const memberParams = z.object({ groupId: Uuid, memberId: Uuid }).strict();

/** Progress across a group's sessions, for its clinicians. Every read is in the audit log. */
export const PROGRESS_ROUTES = {
  memberProgress: {
    method: 'get', path: '/api/groups/:groupId/members/:memberId/progress', tag: 'progress', auth: 'clinician',
    summary: 'One member across the group\'s sessions: attendance, talk share, measures, flags, and each instrument\'s trajectory with reliable change (docs/measures.md).',
    description: 'For the group\'s facilitators and supervisor. Discharged members included. The read is audited (`progress.member`).',
    params: memberParams,
    responses: { 200: MemberProgress },
    errors: ['FORBIDDEN', 'NOT_FOUND']
  },
  groupProgress: {
    method: 'get', path: '/api/groups/:groupId/progress', tag: 'progress', auth: 'clinician',
    summary: 'The group across its sessions: attendance, balance and the mean of each measure per session.',
    description: 'For the group\'s facilitators and supervisor. The read is audited (`progress.group`).',
    params: groupParams,
    responses: { 200: GroupProgress },
    errors: ['FORBIDDEN']
  }
} as const satisfies Record<string, RouteSpec>;
