import { API_ROUTES, BUILT_IN_INSTRUMENTS, instrumentOf } from '@hearth/shared';
import { randomUUID } from 'node:crypto';
import type { Handler } from '../bindRoute.ts';
import { HttpError } from '../errors.ts';
import { OWN_INSTRUMENTS_LIMIT } from '../../store/Instruments.ts';
import { requireGroupRole, type ApiDeps } from './deps.ts';

type R = typeof API_ROUTES;

/** A key from a title: `org-` and its letters and digits, so it never meets a built-in key. */
const keyOf = (title: string) =>
  `org-${title
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 56) || 'instrument'}`;

/**
 * An organization's own instruments and a group's wording of the check-in and check-out. A change
 * reaches every session not yet over at once (as the crisis protocol does): a session offers what
 * the organization and the group have now, and what was asked stays in each session as asked.
 */
export function instrumentRoutes({ board, groups, organizations, instruments, audit, logger }: ApiDeps): {
  ownInstruments: Handler<R['ownInstruments']>;
  addOwnInstrument: Handler<R['addOwnInstrument']>;
  deleteOwnInstrument: Handler<R['deleteOwnInstrument']>;
  measureWording: Handler<R['measureWording']>;
  saveMeasureWording: Handler<R['saveMeasureWording']>;
} {
  /** Sends each session not yet over (of one group, when named) its group's current list, read once per group. */
  const propagate = async (organizationId: string, by: string, onlyGroup?: string) => {
    const lists = new Map<string, Awaited<ReturnType<typeof instruments.forGroup>>>();
    for (const sessionId of await organizations.openSessionIds(organizationId)) {
      const session = await groups.session(sessionId);
      if (!session || (onlyGroup !== undefined && session.groupId !== onlyGroup)) continue;
      if (!lists.has(session.groupId)) lists.set(session.groupId, await instruments.forGroup(session.groupId));
      const result = await board.execute(sessionId, randomUUID(), { type: 'instruments.configure', instruments: lists.get(session.groupId)! }, { role: 'facilitator', id: by });
      if (!result.ok && !['NOTHING_CHANGED', 'SESSION_ENDED', 'SESSION_CANCELLED'].includes(result.error.code)) {
        logger.error('instruments not applied to a session', { code: result.error.code });
      }
    }
  };
  return {
    ownInstruments: async ({ who }) => ({ status: 200, body: { instruments: await instruments.own(who.account.organizationId) } }),
    addOwnInstrument: async ({ who, body, ip }) => {
      const org = who.account.organizationId;
      if ((await instruments.own(org)).length >= OWN_INSTRUMENTS_LIMIT) throw new HttpError('LIMIT_REACHED', `An organization has at most ${OWN_INSTRUMENTS_LIMIT} instruments of its own; remove one first.`);
      const key = keyOf(body.title);
      if (BUILT_IN_INSTRUMENTS.some((i) => i.key === key) || !(await instruments.add(org, instrumentOf(key, body), who.account.id))) {
        throw new HttpError('INSTRUMENT_EXISTS', `There is an instrument called "${body.title}" already: choose another title.`);
      }
      await audit.record({ actorRole: 'clinician', actorId: who.account.id, action: 'organization.instrument', target: key, ip });
      await propagate(org, who.account.id);
      return { status: 201, body: { instruments: await instruments.own(org) } };
    },
    deleteOwnInstrument: async ({ who, params, ip }) => {
      const org = who.account.organizationId;
      if (!(await instruments.remove(org, params.key))) throw new HttpError('NOT_FOUND', 'Your organization has no instrument with that key.');
      await audit.record({ actorRole: 'clinician', actorId: who.account.id, action: 'organization.instrument.remove', target: params.key, ip });
      await propagate(org, who.account.id);
      return { status: 204, body: undefined };
    },
    measureWording: async ({ who, params }) => {
      await requireGroupRole(groups, who, params.groupId, ['facilitator', 'supervisor'], 'You are not on this group\'s staff.');
      return { status: 200, body: await instruments.wording(params.groupId) };
    },
    saveMeasureWording: async ({ who, params, body, ip }) => {
      await requireGroupRole(groups, who, params.groupId, ['facilitator'], 'Only a facilitator of this group can word its check-in and check-out.');
      await instruments.setWording(params.groupId, body);
      await audit.record({ actorRole: 'facilitator', actorId: who.account.id, action: 'group.measure-wording', target: params.groupId, ip });
      await propagate(who.account.organizationId, who.account.id, params.groupId);
      return { status: 200, body };
    }
  };
}
