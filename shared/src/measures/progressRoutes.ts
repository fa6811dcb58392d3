import { z } from 'zod';
import type { RouteSpec } from '../api.ts';
import { Uuid } from '../protocol.ts';
import { GroupProgress, MemberProgress } from './progress.ts';
import { MeasureSchedule, SaveMeasureSchedule } from './schedule.ts';
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
  },
  measureSchedule: {
    method: 'get', path: '/api/groups/:groupId/measure-schedule', tag: 'progress', auth: 'clinician',
    summary: 'Which standard measures the group gives on a schedule, and how often (the first session a member attends, then every N they attend).',
    params: groupParams,
    responses: { 200: z.object({ schedule: MeasureSchedule }).strict() },
    errors: ['FORBIDDEN']
  },
  saveMeasureSchedule: {
    method: 'put', path: '/api/groups/:groupId/measure-schedule', tag: 'progress', auth: 'clinician',
    summary: 'Set the group\'s schedule of standard measures (its facilitators). The board marks the members due in each session.',
    params: groupParams,
    body: SaveMeasureSchedule,
    responses: { 200: z.object({ schedule: MeasureSchedule }).strict() },
    errors: ['FORBIDDEN']
  }
} as const satisfies Record<string, RouteSpec>;
