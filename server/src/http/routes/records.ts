import { API_ROUTES, FhirBundle, type RecordView } from '@hearth/shared';
import type { ClinicianIdentity } from '../../auth/Auth.ts';
import { recordBundle } from '../../records/fhir.ts';
import { RecordRefusal, type RecordActor } from '../../records/RecordService.ts';
import type { Handler } from '../bindRoute.ts';
import { HttpError } from '../errors.ts';
import { requireGroupRole, sessionClinician, type ApiDeps } from './deps.ts';

type R = typeof API_ROUTES;

/** Session records: draft, review, signatures, addenda, exports, the chain's check, reminders. */
export function recordRoutes({ groups, records, audit }: ApiDeps): {
  takeRecord: Handler<R['takeRecord']>;
  record: Handler<R['record']>;
  recordForPrint: Handler<R['recordForPrint']>;
  editSummary: Handler<R['editSummary']>;
  editNarrative: Handler<R['editNarrative']>;
  rateGoal: Handler<R['rateGoal']>;
  overrideMention: Handler<R['overrideMention']>;
  signRecord: Handler<R['signRecord']>;
  addAddendum: Handler<R['addAddendum']>;
  exportRecord: Handler<R['exportRecord']>;
  exportFhir: Handler<R['exportFhir']>;
  recordAccess: Handler<R['recordAccess']>;
  verifyRecords: Handler<R['verifyRecords']>;
  pendingRecords: Handler<R['pendingRecords']>;
} {
  /** The clinician as the record's rules see them, in their role in the session's group. */
  const actorFor = async (who: ClinicianIdentity, sessionId: string, ip: string) => {
    const { session, role } = await sessionClinician(groups, who, sessionId);
    const actor: RecordActor = { accountId: who.account.id, name: who.account.displayName, role, ip };
    return { session, actor };
  };
  /** Runs a record action, its refusals answered with their codes. */
  const refused = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof RecordRefusal) throw new HttpError(e.code, e.message);
      throw e;
    }
  };
  const view = (body: RecordView) => ({ status: 200 as const, body });

  return {
    takeRecord: async ({ who, params, ip }) => {
      const { session, actor } = await actorFor(who, params.sessionId, ip);
      return view(await refused(() => records.take(session, actor)));
    },
    record: async ({ who, params, ip }) => {
      const { actor } = await actorFor(who, params.sessionId, ip);
      return view(await refused(() => records.read(params.sessionId, actor, 'view')));
    },
    recordForPrint: async ({ who, params, ip }) => {
      const { actor } = await actorFor(who, params.sessionId, ip);
      return view(await refused(() => records.read(params.sessionId, actor, 'print')));
    },
    editSummary: async ({ who, params, body, ip }) => {
      const { actor } = await actorFor(who, params.sessionId, ip);
      return view(await refused(() => records.editSummary(params.sessionId, actor, body.summary)));
    },
    editNarrative: async ({ who, params, body, ip }) => {
      const { actor } = await actorFor(who, params.sessionId, ip);
      return view(await refused(() => records.editNarrative(params.sessionId, actor, params.memberId, body.narrative)));
    },
    rateGoal: async ({ who, params, body, ip }) => {
      const { actor } = await actorFor(who, params.sessionId, ip);
      return view(await refused(() => records.rateGoal(params.sessionId, actor, params.memberId, params.goalId, body.rating)));
    },
    overrideMention: async ({ who, params, body, ip }) => {
      const { actor } = await actorFor(who, params.sessionId, ip);
      return view(await refused(() => records.override(params.sessionId, actor, body)));
    },
    signRecord: async ({ who, params, body, ip }) => {
      const { actor } = await actorFor(who, params.sessionId, ip);
      return view(await refused(() => records.sign(params.sessionId, actor, body.password)));
    },
    addAddendum: async ({ who, params, body, ip }) => {
      const { actor } = await actorFor(who, params.sessionId, ip);
      return view(await refused(() => records.addendum(params.sessionId, actor, body)));
    },
    exportRecord: async ({ who, params, ip }) => {
      const { actor } = await actorFor(who, params.sessionId, ip);
      const { record, entries } = await refused(() => records.exported(params.sessionId, actor, 'json'));
      const [final, ...addenda] = entries;
      const info = (e: NonNullable<typeof final>) => ({ entryId: e.id, chainSeq: e.chainSeq, bodyHash: e.bodyHash, prevHash: e.prevHash, hash: e.hash, createdAt: e.createdAt });
      return {
        status: 200,
        body: { recordId: record.id, groupId: record.groupId, entry: info(final!), body: final!.body, addenda: addenda.map((a) => ({ entry: info(a), body: a.body })) }
      };
    },
    exportFhir: async ({ who, params, ip }) => {
      const { actor } = await actorFor(who, params.sessionId, ip);
      const { entries } = await refused(() => records.exported(params.sessionId, actor, 'fhir'));
      const final = entries[0]!;
      const body = JSON.parse(final.body) as { content: Parameters<typeof recordBundle>[0]; signatures: Parameters<typeof recordBundle>[1] };
      const bundle = recordBundle(body.content, body.signatures, final.hash);
      return { status: 200, body: FhirBundle.parse(bundle) };
    },
    recordAccess: async ({ who, params, ip }) => {
      const { actor } = await actorFor(who, params.sessionId, ip);
      const record = await refused(() => records.read(params.sessionId, actor, 'access'));
      return { status: 200, body: { accesses: await audit.forTarget(record.recordId) } };
    },
    verifyRecords: async ({ who, params, ip }) => {
      await requireGroupRole(groups, who, params.groupId, ['facilitator', 'supervisor'], 'You are not on this group\'s staff.');
      const result = await records.verify(params.groupId);
      await audit.record({ actorRole: 'clinician', actorId: who.account.id, action: 'records.verify', target: params.groupId, ip });
      return { status: 200, body: { ok: result.firstBreak === null, ...result } };
    },
    pendingRecords: async ({ who }) => {
      const mine = await groups.listFor(who.account.id);
      const pending = await records.pendingFor(who.account.id, mine.map((g) => g.id));
      return {
        status: 200,
        body: {
          records: pending.map((p) => {
            const g = mine.find((x) => x.id === p.groupId)!;
            const s = g.sessions.find((x) => x.id === p.sessionId);
            return { sessionId: p.sessionId, groupId: p.groupId, groupName: g.name, title: s?.title ?? '', signAs: p.signAs };
          })
        }
      };
    }
  };
}
