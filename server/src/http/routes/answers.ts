import type { GroupSummary, SessionSummary } from '@hearth/shared';
import type { GroupRow, SessionRow } from '../../store/Groups.ts';

/** A session as a clinician lists it. */
export function sessionSummary(s: SessionRow): SessionSummary {
  return {
    id: s.id,
    groupId: s.groupId,
    title: s.title,
    status: s.status,
    scheduledFor: s.scheduledFor
  };
}

/** A group as a clinician of it lists it: its roster by alias, its sessions as that clinician's role may see them. */
export function groupSummary(g: GroupRow): GroupSummary {
  return {
    id: g.id,
    name: g.name,
    role: g.role,
    facilitators: [...g.facilitators],
    staff: g.staff.map((s) => ({ ...s })),
    aliases: g.roster.map((m) => m.alias),
    members: g.members.map((m) => ({ id: m.id, alias: m.alias, dischargedOn: m.dischargedOn, dischargeReason: m.dischargeReason })),
    closed: g.settings.closed,
    maxSize: g.settings.maxSize,
    supervisorCosign: g.settings.supervisorCosign,
    admitAutomatically: g.admitAutomatically,
    sessions: g.sessions.map((s) => sessionSummary(s))
  };
}
