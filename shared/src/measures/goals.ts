import { z } from 'zod';
import type { RouteSpec } from '../api.ts';
import { Uuid } from '../protocol.ts';
import { Id, type Frozen } from '../roles.ts';
import { CalendarDate } from '../practice/templates.ts';

export const GOAL_LIMITS = { openPerMember: 3, textLength: 300, targetLength: 300 } as const;

/** A member's treatment goal in a group, as their clinicians keep it. Clinicians only. */
export const Goal = z
  .object({
    id: Uuid,
    text: z.string().describe('What the member works towards, in the clinician\'s words.'),
    target: z.string().describe('How the clinicians will know it is met; may be empty.'),
    reviewOn: CalendarDate.nullable().describe('When the goal is to be reviewed with the member.'),
    createdAt: z.string(),
    closedAt: z.string().nullable().describe('When it was closed (met, or set aside); closed goals are not rated any more.')
  })
  .strict();
export type Goal = Frozen<z.infer<typeof Goal>>;

export const NewGoal = z
  .object({
    text: z.string().trim().min(1, 'say what the goal is').max(GOAL_LIMITS.textLength),
    target: z.string().trim().max(GOAL_LIMITS.targetLength),
    reviewOn: CalendarDate.nullable()
  })
  .strict();
export type NewGoal = z.infer<typeof NewGoal>;

export const GoalEdit = NewGoal.partial().extend({ closed: z.literal(true).optional().describe('Close the goal.') }).strict();
export type GoalEdit = z.infer<typeof GoalEdit>;

/** How a goal went in one session, as rated in the record's review. */
export const GoalRating = z.enum(['worse', 'no-change', 'better']);
export type GoalRating = z.infer<typeof GoalRating>;

export const GoalRatingEdit = z.object({ rating: GoalRating.nullable().describe('null: not rated.') }).strict();

/** A goal as a member's note of a record keeps it: its words then, and the session's rating. */
export const RecordGoal = z.object({ goalId: Id, text: z.string(), target: z.string(), rating: GoalRating.nullable() }).strict();
export type RecordGoal = Frozen<z.infer<typeof RecordGoal>>;

const memberParams = z.object({ groupId: Uuid, memberId: Uuid }).strict();
const goalParams = z.object({ groupId: Uuid, memberId: Uuid, goalId: Uuid }).strict();

/** Members' treatment goals: the group's facilitators set them; its supervisor reads them. */
export const GOAL_ROUTES = {
  memberGoals: {
    method: 'get', path: '/api/groups/:groupId/members/:memberId/goals', tag: 'progress', auth: 'clinician',
    summary: 'A member\'s treatment goals in the group, open ones first, for its clinicians.',
    params: memberParams,
    responses: { 200: z.object({ goals: z.array(Goal) }).strict() },
    errors: ['FORBIDDEN', 'NOT_FOUND']
  },
  addGoal: {
    method: 'post', path: '/api/groups/:groupId/members/:memberId/goals', tag: 'progress', auth: 'clinician',
    summary: `Add a treatment goal (facilitators): at most ${GOAL_LIMITS.openPerMember} open per member. Each session's record rates the open ones.`,
    params: memberParams,
    body: NewGoal,
    responses: { 201: z.object({ goals: z.array(Goal) }).strict() },
    errors: ['FORBIDDEN', 'NOT_FOUND', 'LIMIT_REACHED']
  },
  editGoal: {
    method: 'put', path: '/api/groups/:groupId/members/:memberId/goals/:goalId', tag: 'progress', auth: 'clinician',
    summary: 'Change a goal\'s words, target or review date, or close it (facilitators). Records already drafted keep the words they had.',
    params: goalParams,
    body: GoalEdit,
    responses: { 200: z.object({ goals: z.array(Goal) }).strict() },
    errors: ['FORBIDDEN', 'NOT_FOUND']
  }
} as const satisfies Record<string, RouteSpec>;
