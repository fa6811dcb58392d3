import { DEFAULT_WORDING, Instrument, MeasureWording, wordedInstruments, type InstrumentData } from '@hearth/shared';
import type { Db, Queryable } from './Db.ts';
import { jsonOf } from './jsonColumn.ts';

/** At most this many instruments of its own per organization (a session's list holds 20 in all). */
export const OWN_INSTRUMENTS_LIMIT = 12;


/** Organizations' own instruments and groups' wording of the check-in and check-out. */
export class Instruments {
  constructor(private readonly db: Db) {}

  async own(organizationId: string): Promise<InstrumentData[]> {
    const rows = await this.db.query<{ definition: unknown }>('select definition from organization_instruments where organization_id = $1 order by created_at, key', [organizationId]);
    // Written through the edge's schema; read back the same way, so a hand-edited row cannot reach a board.
    return rows.flatMap((r) => {
      const parsed = Instrument.safeParse(jsonOf<unknown>(r.definition, null));
      return parsed.success ? [parsed.data] : [];
    });
  }

  /** Adds one; false when the organization has that key already. */
  async add(organizationId: string, instrument: InstrumentData, by: string): Promise<boolean> {
    const rows = await this.db.query<{ key: string }>(
      'insert into organization_instruments (organization_id, key, definition, created_by) values ($1, $2, $3::text::jsonb, $4) on conflict do nothing returning key',
      [organizationId, instrument.key, JSON.stringify(instrument), by]
    );
    return rows.length > 0;
  }

  async remove(organizationId: string, key: string): Promise<boolean> {
    return (await this.db.query('delete from organization_instruments where organization_id = $1 and key = $2 returning key', [organizationId, key])).length > 0;
  }

  async wording(groupId: string): Promise<MeasureWording> {
    const [row] = await this.db.query<{ measure_wording: unknown }>('select measure_wording from groups where id = $1', [groupId]);
    const parsed = MeasureWording.safeParse(jsonOf<unknown>(row?.measure_wording, null));
    return parsed.success ? parsed.data : DEFAULT_WORDING;
  }

  async setWording(groupId: string, wording: MeasureWording): Promise<void> {
    await this.db.query('update groups set measure_wording = $2::text::jsonb where id = $1', [groupId, JSON.stringify(wording)]);
  }

  /** What a session of the group offers beside the built-in measures: the group's wording, then the organization's own. */
  async forGroup(groupId: string, tx: Queryable = this.db): Promise<InstrumentData[]> {
    const [row] = await tx.query<{ organization_id: string }>('select organization_id from groups where id = $1', [groupId]);
    if (!row) return [];
    const [wording, own] = await Promise.all([this.wording(groupId), this.own(row.organization_id)]);
    return [...wordedInstruments(wording), ...own];
  }
}
