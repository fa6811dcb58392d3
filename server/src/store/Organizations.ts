import { randomUUID } from 'node:crypto';
import { AgendaTemplate, CrisisProtocol, DEFAULT_CRISIS_PROTOCOL, LIBRARY_LIMIT, protocolGaps, type LibraryResource, type NewAgendaTemplate, type NewLibraryResource } from '@hearth/shared';
import type { Db, Queryable } from './Db.ts';

/** Organizations and what each keeps for all its groups: its time zone, crisis protocol and agenda templates. */
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

  async organization(organizationId: string): Promise<{ name: string; timeZone: string; warnings: string[] } | null> {
    const [row] = await this.db.query<{ name: string; time_zone: string; crisis_protocol: unknown }>('select name, time_zone, crisis_protocol from organizations where id = $1', [organizationId]);
    return row ? { name: row.name, timeZone: row.time_zone, warnings: protocolGaps(parseProtocol(row.crisis_protocol)) } : null;
  }

  /** The organization's resource library, by title. */
  async libraryResources(organizationId: string): Promise<LibraryResource[]> {
    const rows = await this.db.query<{ id: string; title: string; body: string; url: string | null }>(
      'select id, title, body, url from library_resources where organization_id = $1 order by lower(title), created_at',
      [organizationId]
    );
    return rows.map((r) => ({ id: r.id, title: r.title, body: r.body, url: r.url }));
  }

  /** Adds to the library; null when it holds LIBRARY_LIMIT already. */
  async addLibraryResource(organizationId: string, resource: NewLibraryResource, by: string): Promise<LibraryResource | null> {
    const id = randomUUID();
    const rows = await this.db.query<{ id: string }>(
      `insert into library_resources (id, organization_id, title, body, url, created_by)
       select $1, $2, $3, $4, $5, $6 where (select count(*) from library_resources where organization_id = $2) < $7
       returning id`,
      [id, organizationId, resource.title, resource.body, resource.url, by, LIBRARY_LIMIT]
    );
    return rows.length > 0 ? { id, ...resource } : null;
  }

  async removeLibraryResource(organizationId: string, resourceId: string): Promise<boolean> {
    const rows = await this.db.query('delete from library_resources where organization_id = $1 and id = $2 returning id', [organizationId, resourceId]);
    return rows.length > 0;
  }

  /** The organization's sessions that are not over (scheduled or live): they follow its crisis protocol. */
  async openSessionIds(organizationId: string): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>(
      `select s.id from sessions s join groups g on g.id = s.group_id where g.organization_id = $1 and s.status in ('scheduled', 'live') order by s.created_at`,
      [organizationId]
    );
    return rows.map((r) => r.id);
  }

  async setTimeZone(organizationId: string, timeZone: string, tx: Queryable = this.db): Promise<void> {
    await tx.query('update organizations set time_zone = $2 where id = $1', [organizationId, timeZone]);
  }

  /** The organization's agenda templates, by name. A stored one that no longer parses is left out. */
  async templates(organizationId: string): Promise<AgendaTemplate[]> {
    const rows = await this.db.query<{ id: string; name: string; description: string; items: unknown }>(
      'select id, name, description, items from agenda_templates where organization_id = $1 order by lower(name)',
      [organizationId]
    );
    return rows.flatMap((r) => {
      const parsed = AgendaTemplate.safeParse({ id: r.id, name: r.name, description: r.description, items: typeof r.items === 'string' ? JSON.parse(r.items) : r.items });
      return parsed.success ? [parsed.data] : [];
    });
  }

  /** Adds a template; throws the database's unique violation when the name is taken (ignoring case). */
  async addTemplate(organizationId: string, template: NewAgendaTemplate, createdBy: string | null, tx: Queryable = this.db): Promise<AgendaTemplate> {
    const id = randomUUID();
    await tx.query(
      'insert into agenda_templates (id, organization_id, name, description, items, created_by) values ($1, $2, $3, $4, $5::text::jsonb, $6)',
      [id, organizationId, template.name, template.description, JSON.stringify(template.items), createdBy]
    );
    return { id, ...template };
  }

  /** Removes one of the organization's templates; false when it has none with that id. */
  async removeTemplate(organizationId: string, templateId: string): Promise<boolean> {
    const rows = await this.db.query<{ id: string }>('delete from agenda_templates where id = $1 and organization_id = $2 returning id', [templateId, organizationId]);
    return rows.length > 0;
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
