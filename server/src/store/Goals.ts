import type { Goal, GoalEdit, NewGoal } from '@hearth/shared';
import { randomUUID } from 'node:crypto';
import type { Db } from './Db.ts';
import { jsonOf } from './jsonColumn.ts';

type GoalRow = { id: string; text: string; target: string; review_on: string | null; created_at: Date | string; closed_at: Date | string | null };

const toGoal = (r: GoalRow): Goal => ({
  id: r.id,
  text: r.text,
  target: r.target,
  reviewOn: r.review_on === null ? null : String(r.review_on).slice(0, 10),
  createdAt: new Date(r.created_at).toISOString(),
  closedAt: r.closed_at === null ? null : new Date(r.closed_at).toISOString()
});

/** Members' treatment goals (table member_goals). */
export class Goals {
  constructor(private readonly db: Db) {}

  /** A member's goals in a group: open ones first, each kind oldest first. */
  async of(groupId: string, memberId: string): Promise<Goal[]> {
    const rows = await this.db.query<GoalRow>(
      `select id, text, target, review_on::text as review_on, created_at, closed_at from member_goals
        where group_id = $1 and member_id = $2 order by closed_at is not null, created_at, id`,
      [groupId, memberId]
    );
    return rows.map(toGoal);
  }

  /** Every member's open goals in a group, by member id: what a record's draft rates. */
  async openByMember(groupId: string): Promise<Record<string, { goalId: string; text: string; target: string }[]>> {
    const rows = await this.db.query<{ id: string; member_id: string; text: string; target: string }>(
      'select id, member_id, text, target from member_goals where group_id = $1 and closed_at is null order by created_at, id',
      [groupId]
    );
    const out: Record<string, { goalId: string; text: string; target: string }[]> = {};
    for (const r of rows) (out[r.member_id] ??= []).push({ goalId: r.id, text: r.text, target: r.target });
    return out;
  }

  /** How each of a member's goals was rated, by session: from the group's records (drafts and final ones). */
  async ratingsOf(groupId: string, memberId: string): Promise<{ sessionId: string; ratings: Record<string, string> }[]> {
    const rows = await this.db.query<{ session_id: string; ratings: unknown }>(
      "select session_id, edits #> array['goalRatings', $2::text] as ratings from records where group_id = $1",
      [groupId, memberId]
    );
    return rows.flatMap((r) => {
      const ratings = jsonOf<unknown>(r.ratings, null);
      return ratings && typeof ratings === 'object' ? [{ sessionId: r.session_id, ratings: ratings as Record<string, string> }] : [];
    });
  }

  async add(groupId: string, memberId: string, goal: NewGoal, by: string): Promise<void> {
    await this.db.query('insert into member_goals (id, group_id, member_id, text, target, review_on, created_by) values ($1, $2, $3, $4, $5, $6, $7)', [
      randomUUID(),
      groupId,
      memberId,
      goal.text,
      goal.target,
      goal.reviewOn,
      by
    ]);
  }

  /** Applies an edit to an open or closed goal of the member; false when there is no such goal. */
  async edit(groupId: string, memberId: string, goalId: string, edit: GoalEdit): Promise<boolean> {
    const rows = await this.db.query<{ id: string }>(
      `update member_goals set text = coalesce($4, text), target = coalesce($5, target),
              review_on = case when $6::boolean then $7::date else review_on end,
              closed_at = case when $8::boolean and closed_at is null then now() else closed_at end
        where id = $1 and group_id = $2 and member_id = $3 returning id`,
      [goalId, groupId, memberId, edit.text ?? null, edit.target ?? null, edit.reviewOn !== undefined, edit.reviewOn ?? null, edit.closed === true]
    );
    return rows.length > 0;
  }
}
