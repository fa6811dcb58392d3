import { CrisisProtocol, DEFAULT_CRISIS_PROTOCOL } from '@hearth/shared';
import type { Db } from './Db.ts';

/** Organizations and what each keeps for all its groups: today, its crisis protocol. */
export class Organizations {
  constructor(private readonly db: Db) {}

  /** The crisis protocol of the organization a group belongs to; the defaults until it is set. */
  async crisisProtocolOfGroup(groupId: string): Promise<CrisisProtocol> {
    const [row] = await this.db.query<{ crisis_protocol: unknown }>(
      'select o.crisis_protocol from groups g join organizations o on o.id = g.organization_id where g.id = $1',
      [groupId]
    );
    return parseProtocol(row?.crisis_protocol);
  }

  async crisisProtocol(organizationId: string): Promise<CrisisProtocol> {
    const [row] = await this.db.query<{ crisis_protocol: unknown }>('select crisis_protocol from organizations where id = $1', [organizationId]);
    return parseProtocol(row?.crisis_protocol);
  }

  async setCrisisProtocol(organizationId: string, protocol: CrisisProtocol): Promise<void> {
    await this.db.query('update organizations set crisis_protocol = $2::text::jsonb where id = $1', [organizationId, JSON.stringify(protocol)]);
  }
}

/** A stored protocol, or the defaults when none is stored (or what is stored no longer parses). */
function parseProtocol(stored: unknown): CrisisProtocol {
  const parsed = CrisisProtocol.safeParse(stored);
  return parsed.success ? parsed.data : DEFAULT_CRISIS_PROTOCOL;
}
