import type { Intake, IntakeInput } from '@hearth/shared';
import { randomUUID } from 'node:crypto';
import type { Db } from './Db.ts';
import { jsonOf } from './jsonColumn.ts';

type IntakeRow = {
  id: string;
  alias: string;
  referral_source: string;
  goals: string;
  readiness: unknown;
  contraindications: unknown;
  decision: Intake['decision'];
  reason: string;
  decided_by_name: string | null;
  decided_at: Date | string | null;
  created_at: Date | string;
  updated_at: Date | string;
};

const iso = (v: Date | string) => new Date(v).toISOString();

/** Intakes of prospective members (table intakes). The edge validated what is written. */
export class Intakes {
  constructor(private readonly db: Db) {}

  async of(groupId: string): Promise<Intake[]> {
    const rows = await this.db.query<IntakeRow>(
      `select i.id, i.alias, i.referral_source, i.goals, i.readiness, i.contraindications, i.decision, i.reason,
              a.display_name as decided_by_name, i.decided_at, i.created_at, i.updated_at
         from intakes i left join accounts a on a.id = i.decided_by
        where i.group_id = $1 order by i.created_at desc, i.id`,
      [groupId]
    );
    return rows.map((r) => ({
      id: r.id,
      alias: r.alias,
      referralSource: r.referral_source,
      goals: r.goals,
      readiness: jsonOf<Intake['readiness']>(r.readiness, []),
      contraindications: jsonOf<Intake['contraindications']>(r.contraindications, []),
      decision: r.decision,
      reason: r.reason,
      decidedBy: r.decided_by_name,
      decidedAt: r.decided_at === null ? null : iso(r.decided_at),
      createdAt: iso(r.created_at),
      updatedAt: iso(r.updated_at)
    }));
  }

  async add(groupId: string, input: IntakeInput, by: string): Promise<void> {
    await this.db.query(
      `insert into intakes (id, group_id, alias, referral_source, goals, readiness, contraindications, decision, reason, decided_by, decided_at, created_by)
       values ($1, $2, $3, $4, $5, $6::text::jsonb, $7::text::jsonb, $8, $9, case when $8::text is null then null else $10::uuid end, case when $8::text is null then null else now() end, $10)`,
      [randomUUID(), groupId, input.alias, input.referralSource, input.goals, JSON.stringify(input.readiness), JSON.stringify(input.contraindications), input.decision, input.reason, by]
    );
  }

  /** Saves an intake; a decision that changes records who made it and when. False when there is no such intake. */
  async save(groupId: string, intakeId: string, input: IntakeInput, by: string): Promise<boolean> {
    const rows = await this.db.query<{ id: string }>(
      `update intakes set alias = $3, referral_source = $4, goals = $5, readiness = $6::text::jsonb, contraindications = $7::text::jsonb,
              decided_by = case when decision is distinct from $8::text then (case when $8::text is null then null else $10::uuid end) else decided_by end,
              decided_at = case when decision is distinct from $8::text then (case when $8::text is null then null else now() end) else decided_at end,
              decision = $8, reason = $9, updated_at = now()
        where id = $1 and group_id = $2 returning id`,
      [intakeId, groupId, input.alias, input.referralSource, input.goals, JSON.stringify(input.readiness), JSON.stringify(input.contraindications), input.decision, input.reason, by]
    );
    return rows.length > 0;
  }
}
