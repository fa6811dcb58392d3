import {
  ErrorCode,
  draftRecord,
  fold,
  initialState,
  recordGuards,
  type GoalRating,
  type MentionOverride,
  type RecordContent,
  type RecordSignature,
  type RecordView,
  type SignatureMeaning,
  type StaffRole
} from '@hearth/shared';
import * as Y from 'yjs';
import type { Auth } from '../auth/Auth.ts';
import type { Notes } from '../notes/attachNotes.ts';
import { NotesNotSavedError } from '../notes/NotesRelay.ts';
import { notesText } from '../notes/sections.ts';
import type { NotesStore } from '../notes/NotesStore.ts';
import type { AuditLog } from '../store/AuditLog.ts';
import type { EventLog } from '../store/EventLog.ts';
import type { Goals } from '../store/Goals.ts';
import type { Groups, SessionRow } from '../store/Groups.ts';
import { contentHash, sha256, canonicalJson } from './hash.ts';
import type { EntryRow, RecordRow, RecordStore, SignatureRow } from './RecordStore.ts';

/** A request the record's rules refuse, with its wire code. */
export class RecordRefusal extends Error {
  constructor(readonly code: ErrorCode, message: string) {
    super(message);
  }
}

/** Who acts on a record: a clinician of its group, in their role there. */
export interface RecordActor {
  readonly accountId: string;
  readonly name: string;
  readonly role: StaffRole;
  readonly ip: string;
}

interface Staff {
  readonly id: string;
  readonly displayName: string;
  readonly credentials: string;
  readonly role: StaffRole;
}

/** What a final entry's body holds: the content as signed, its hash, and the signatures. */
interface FinalBody {
  readonly content: RecordContent;
  readonly contentHash: string;
  readonly signatures: readonly RecordSignature[];
}

/** What an addendum's body holds. */
interface AddendumBody {
  readonly recordId: string;
  readonly amends: string;
  readonly author: { readonly accountId: string; readonly name: string; readonly credentials: string };
  readonly reason: string;
  readonly text: string;
  readonly writtenAt: string;
  readonly signature: { readonly meaning: 'author'; readonly signedAt: string; readonly textHash: string };
}

class AlreadyFinal extends Error {}

const STALE = 'The record changed after it was signed.';

/**
 * The record workflow: the draft (drawn from the log and the frozen notes, reviewed and edited),
 * its guards, its signatures, and the final entry of its group's chain with its addenda. Until a
 * record is final its content is drawn afresh from what is stored (so an attendance correction or a
 * flag's follow-up after the session shows); a signature signs the content's hash, and one whose hash
 * no longer matches is taken off. The last required signature appends the content, as signed, to the
 * group's chain.
 */
export class RecordService {
  constructor(
    private readonly deps: {
      readonly store: RecordStore;
      readonly log: EventLog;
      readonly notesStore: NotesStore;
      readonly notes: Notes;
      readonly groups: Groups;
      /** Members' open treatment goals, which each member's note rates. */
      readonly goals: Pick<Goals, 'openByMember'>;
      readonly auth: Auth;
      readonly audit: AuditLog;
      readonly now?: () => number;
    }
  ) {}

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  private async record(sessionId: string): Promise<RecordRow> {
    const r = await this.deps.store.bySession(sessionId);
    if (!r) throw new RecordRefusal(ErrorCode.RECORD_NOT_FOUND, 'This session has no record yet: take its draft first.');
    return r;
  }

  private async audited(actor: RecordActor, action: string, target: string): Promise<void> {
    await this.deps.audit.record({ actorRole: actor.role, actorId: actor.accountId, action, target, ip: actor.ip });
  }

  /** Takes a session's draft, once it has ended: the notes freeze everywhere first. Answers the record if it exists. */
  async take(session: SessionRow, actor: RecordActor): Promise<RecordView> {
    if (actor.role !== 'facilitator') throw new RecordRefusal(ErrorCode.FORBIDDEN, 'A facilitator of the group takes the record\'s draft.');
    if (session.status !== 'ended') throw new RecordRefusal(ErrorCode.SESSION_NOT_ENDED, 'End the session before taking its record.');
    const existing = await this.deps.store.bySession(session.id);
    if (!existing) {
      try {
        await this.deps.notes.freeze(session.id, actor.accountId);
      } catch (e) {
        if (e instanceof NotesNotSavedError) throw new RecordRefusal(ErrorCode.NOTES_NOT_SAVED, `${e.message} Try again shortly.`);
        throw e;
      }
    }
    const record = existing ?? (await this.deps.store.open(session.id, session.groupId, actor.accountId));
    // Taking a record that exists already is reading it: audited as a view, like GET.
    await this.audited(actor, existing ? 'record.view' : 'record.draft', record.id);
    return this.view(record, actor);
  }

  /** The record for review (or print, or its access history, as the audit says). */
  async read(sessionId: string, actor: RecordActor, purpose: 'view' | 'print' | 'access'): Promise<RecordView> {
    const record = await this.record(sessionId);
    await this.audited(actor, `record.${purpose}`, record.id);
    return this.view(record, actor);
  }

  /** What the draft says now: drawn from the log and the frozen notes, with review's edits. */
  private async draft(record: RecordRow): Promise<RecordContent> {
    const { log, notesStore, groups, goals } = this.deps;
    const [events, stored, group, staff, openGoals] = await Promise.all([
      log.since(record.sessionId, 0),
      notesStore.load(record.sessionId),
      groups.byId(record.groupId),
      groups.staffWithCredentials(record.groupId),
      goals.openByMember(record.groupId)
    ]);
    const board = fold(initialState, events.map((e) => e.event));
    const doc = new Y.Doc();
    Y.applyUpdate(doc, stored.update);
    const notes = notesText(doc, board.roster);
    doc.destroy();
    return draftRecord(
      events.map((e) => e.event),
      notes,
      {
        group: { id: record.groupId, name: group?.name ?? '' },
        sessionId: record.sessionId,
        clinicians: staff.map((s) => ({ accountId: s.id, name: s.displayName, credentials: s.credentials, role: s.role })),
        goals: openGoals
      },
      record.edits
    );
  }

  private async view(record: RecordRow, actor: RecordActor): Promise<RecordView> {
    const { store, groups } = this.deps;
    const [staff, cosign, entries] = await Promise.all([groups.staffWithCredentials(record.groupId), groups.supervisorCosign(record.groupId), store.entriesOf(record.id)]);
    const addenda = entries.filter((e) => e.kind === 'addendum').map((e) => {
      const body = JSON.parse(e.body) as AddendumBody;
      return { entry: entryInfo(e), author: body.author, reason: body.reason, text: body.text, writtenAt: body.writtenAt };
    });
    const final = entries.find((e) => e.kind === 'record');
    if (record.status === 'final' && final) {
      const body = JSON.parse(final.body) as FinalBody;
      return {
        recordId: record.id,
        sessionId: record.sessionId,
        groupId: record.groupId,
        status: 'final',
        content: body.content,
        contentHash: body.contentHash,
        guards: [],
        overrides: [...record.overrides],
        signatures: [...body.signatures],
        removedSignatures: (await store.signatures(record.id)).filter((s) => s.removedAt !== null).map(removed),
        required: required(staff, cosign, body.signatures),
        you: { mayEdit: false, signAs: null, signed: body.signatures.some((s) => s.signer === actor.accountId) },
        final: entryInfo(final),
        addenda
      };
    }
    const content = await this.draft(record);
    const hash = contentHash(content);
    const rows = await store.signatures(record.id);
    const standing = rows.filter((s) => s.removedAt === null && s.contentHash === hash).map(signature);
    // Not yet taken off in the database, but no longer standing: the content moved on.
    const stale = rows.filter((s) => s.removedAt === null && s.contentHash !== hash).map((s) => ({ ...signature(s), removedAt: new Date(this.now()).toISOString(), reason: STALE }));
    return {
      recordId: record.id,
      sessionId: record.sessionId,
      groupId: record.groupId,
      status: 'draft',
      content,
      contentHash: hash,
      guards: recordGuards(content, record.overrides),
      overrides: [...record.overrides],
      signatures: standing,
      removedSignatures: [...rows.filter((s) => s.removedAt !== null).map(removed), ...stale],
      required: required(staff, cosign, standing),
      you: {
        mayEdit: actor.role === 'facilitator',
        signAs: nextMeaning(staff, cosign, standing, actor.accountId),
        signed: standing.some((s) => s.signer === actor.accountId)
      },
      final: null,
      addenda
    };
  }

  private async editable(sessionId: string, actor: RecordActor): Promise<RecordRow> {
    if (actor.role !== 'facilitator') throw new RecordRefusal(ErrorCode.FORBIDDEN, 'The group\'s facilitators edit its records; supervisors review and co-sign.');
    const record = await this.record(sessionId);
    if (record.status === 'final') throw new RecordRefusal(ErrorCode.RECORD_FINAL, 'This record is final: add an addendum instead.');
    return record;
  }

  /** After an edit: signatures of what was there before come off, saying who changed what. */
  private async afterEdit(record: RecordRow, actor: RecordActor, what: string): Promise<RecordView> {
    const content = await this.draft(record);
    await this.deps.store.removeStale(record.id, contentHash(content), `${actor.name} edited ${what} after it was signed.`);
    return this.view(record, actor);
  }

  async editSummary(sessionId: string, actor: RecordActor, summary: string): Promise<RecordView> {
    const record = await this.editable(sessionId, actor);
    const next = { ...record, edits: { ...record.edits, summary } };
    await this.deps.store.setEdits(record.id, next.edits, record.overrides);
    await this.audited(actor, 'record.edit', record.id);
    return this.afterEdit(next, actor, 'the group summary');
  }

  async editNarrative(sessionId: string, actor: RecordActor, memberId: string, narrative: string): Promise<RecordView> {
    const record = await this.editable(sessionId, actor);
    const member = (await this.draft(record)).members.find((m) => m.memberId === memberId);
    if (!member) throw new RecordRefusal(ErrorCode.MEMBER_NOT_FOUND, 'That member is not on this session\'s roster.');
    if (member.narrative === null) throw new RecordRefusal(ErrorCode.MEMBER_NOT_FOUND, `${member.alias} was absent: an absence entry has no narrative. Correct the attendance first.`);
    const next = { ...record, edits: { ...record.edits, narratives: { ...record.edits.narratives, [memberId]: narrative } } };
    await this.deps.store.setEdits(record.id, next.edits, record.overrides);
    await this.audited(actor, 'record.edit', record.id);
    return this.afterEdit(next, actor, `${member.alias}'s note`);
  }

  /** Rates how one of a member's open goals went in this session (null: not rated). */
  async rateGoal(sessionId: string, actor: RecordActor, memberId: string, goalId: string, rating: GoalRating | null): Promise<RecordView> {
    const record = await this.editable(sessionId, actor);
    const member = (await this.draft(record)).members.find((m) => m.memberId === memberId);
    if (!member) throw new RecordRefusal(ErrorCode.MEMBER_NOT_FOUND, 'That member is not on this session\'s roster.');
    if (!member.goals?.some((g) => g.goalId === goalId)) {
      throw new RecordRefusal(ErrorCode.MEMBER_NOT_FOUND, member.narrative === null ? `${member.alias} was absent: goals are rated for sessions they attended.` : `${member.alias} has no open goal with that id.`);
    }
    const { [goalId]: _was, ...others } = record.edits.goalRatings?.[memberId] ?? {};
    const mine = rating === null ? others : { ...others, [goalId]: rating };
    const next = { ...record, edits: { ...record.edits, goalRatings: { ...record.edits.goalRatings, [memberId]: mine } } };
    await this.deps.store.setEdits(record.id, next.edits, record.overrides);
    await this.audited(actor, 'record.edit', record.id);
    return this.afterEdit(next, actor, `${member.alias}'s goals`);
  }

  async override(sessionId: string, actor: RecordActor, o: MentionOverride): Promise<RecordView> {
    const record = await this.editable(sessionId, actor);
    const members = (await this.draft(record)).members;
    if (!members.some((m) => m.memberId === o.memberId) || !members.some((m) => m.memberId === o.mentionedMemberId)) {
      throw new RecordRefusal(ErrorCode.MEMBER_NOT_FOUND, 'Both members must be on this session\'s roster.');
    }
    if (record.overrides.some((x) => x.memberId === o.memberId && x.mentionedMemberId === o.mentionedMemberId)) {
      throw new RecordRefusal(ErrorCode.NOTHING_CHANGED, 'That mention is already marked.');
    }
    const next = { ...record, overrides: [...record.overrides, o] };
    await this.deps.store.setEdits(record.id, record.edits, next.overrides);
    await this.audited(actor, 'record.guard-override', record.id);
    return this.view(next, actor);
  }

  /**
   * Signs the record as it stands. The password is asked again; the guards must be clear; the
   * signature's meaning follows who signs and who signed before. The last required signature makes
   * the record final: its content, hash and signatures become an entry of the group's chain.
   */
  async sign(sessionId: string, actor: RecordActor, password: string): Promise<RecordView> {
    const { store, groups, auth } = this.deps;
    const record = await this.record(sessionId);
    if (record.status === 'final') throw new RecordRefusal(ErrorCode.RECORD_FINAL, 'This record is final already.');
    if (!(await auth.confirmPassword(actor.accountId, password, 'record.sign'))) {
      throw new RecordRefusal(ErrorCode.INVALID_CREDENTIALS, 'That password is not right; the record was not signed.');
    }
    const content = await this.draft(record);
    const hash = contentHash(content);
    if (recordGuards(content, record.overrides).length > 0) throw new RecordRefusal(ErrorCode.GUARDS_OPEN, 'Deal with the open guards before signing.');
    await store.removeStale(record.id, hash, STALE);
    const [staff, cosign] = await Promise.all([groups.staffWithCredentials(record.groupId), groups.supervisorCosign(record.groupId)]);
    const standing = (await store.signatures(record.id)).filter((s) => s.removedAt === null).map(signature);
    if (standing.some((s) => s.signer === actor.accountId)) throw new RecordRefusal(ErrorCode.ALREADY_SIGNED, 'You signed this record as it stands.');
    const meaning = nextMeaning(staff, cosign, standing, actor.accountId);
    if (!meaning) throw new RecordRefusal(ErrorCode.NOT_YOURS_TO_SIGN, 'Your signature is not one this record needs now.');
    const me = staff.find((s) => s.id === actor.accountId)!;
    const signedAt = new Date(this.now());
    await store.addSignature(record.id, { signer: me.id, meaning, printedName: me.displayName, credentials: me.credentials, contentHash: hash, signedAt });
    await this.audited(actor, `record.sign.${meaning}`, record.id);
    const signatures = [...standing, { signer: me.id, name: me.displayName, credentials: me.credentials, meaning, signedAt: signedAt.toISOString(), contentHash: hash }];
    if (required(staff, cosign, signatures).every((r) => r.signedBy !== null)) await this.finalize(record, { content, contentHash: hash, signatures });
    return this.view((await store.bySession(sessionId))!, actor);
  }

  private async finalize(record: RecordRow, body: FinalBody): Promise<void> {
    try {
      await this.deps.store.append({
        groupId: record.groupId,
        recordId: record.id,
        kind: 'record',
        body,
        finalize: async (tx) => {
          // Two last signatures at once: one finalizes, the other's append rolls back.
          const rows = await tx.query(`update records set status = 'final', finalized_at = now() where id = $1 and status = 'draft' returning id`, [record.id]);
          if (rows.length === 0) throw new AlreadyFinal();
        }
      });
    } catch (e) {
      if (!(e instanceof AlreadyFinal)) throw e;
    }
  }

  /** An addendum to a final record: labelled, dated, signed with the author's password, chained after it. */
  async addendum(sessionId: string, actor: RecordActor, input: { password: string; reason: string; text: string }): Promise<RecordView> {
    const { store, groups, auth } = this.deps;
    const record = await this.record(sessionId);
    if (record.status !== 'final') throw new RecordRefusal(ErrorCode.RECORD_NOT_FINAL, 'A draft is edited, not amended: addenda follow a final record.');
    if (!(await auth.confirmPassword(actor.accountId, input.password, 'record.addendum'))) {
      throw new RecordRefusal(ErrorCode.INVALID_CREDENTIALS, 'That password is not right; the addendum was not added.');
    }
    const me = (await groups.staffWithCredentials(record.groupId)).find((s) => s.id === actor.accountId)!;
    const [first] = await store.entriesOf(record.id);
    const writtenAt = new Date(this.now()).toISOString();
    const body: AddendumBody = {
      recordId: record.id,
      amends: first!.hash,
      author: { accountId: me.id, name: me.displayName, credentials: me.credentials },
      reason: input.reason,
      text: input.text,
      writtenAt,
      signature: { meaning: 'author', signedAt: writtenAt, textHash: sha256(canonicalJson({ reason: input.reason, text: input.text })) }
    };
    await store.append({ groupId: record.groupId, recordId: record.id, kind: 'addendum', body });
    await this.audited(actor, 'record.addendum', record.id);
    return this.view(record, actor);
  }

  /** The final record as stored, for export. */
  async exported(sessionId: string, actor: RecordActor, format: 'json' | 'fhir'): Promise<{ record: RecordRow; entries: EntryRow[] }> {
    const record = await this.record(sessionId);
    if (record.status !== 'final') throw new RecordRefusal(ErrorCode.RECORD_NOT_FINAL, 'A record is exported once it is final.');
    await this.audited(actor, `record.export.${format}`, record.id);
    return { record, entries: await this.deps.store.entriesOf(record.id) };
  }

  /** Recomputes every hash and link of a group's chain. */
  verify(groupId: string) {
    return this.deps.store.verify(groupId);
  }

  /** Records in the clinician's groups waiting for their signature. */
  async pendingFor(accountId: string, groupIds: readonly string[]): Promise<{ sessionId: string; groupId: string; signAs: SignatureMeaning }[]> {
    const out: { sessionId: string; groupId: string; signAs: SignatureMeaning }[] = [];
    for (const record of await this.deps.store.draftsOf(groupIds)) {
      const [staff, cosign] = await Promise.all([this.deps.groups.staffWithCredentials(record.groupId), this.deps.groups.supervisorCosign(record.groupId)]);
      const hash = contentHash(await this.draft(record));
      const standing = (await this.deps.store.signatures(record.id)).filter((s) => s.removedAt === null && s.contentHash === hash).map(signature);
      const signAs = nextMeaning(staff, cosign, standing, accountId);
      if (signAs) out.push({ sessionId: record.sessionId, groupId: record.groupId, signAs });
    }
    return out;
  }
}

const signature = (s: SignatureRow): RecordSignature => ({
  signer: s.signer,
  name: s.printedName,
  credentials: s.credentials,
  meaning: s.meaning,
  signedAt: s.signedAt,
  contentHash: s.contentHash
});
const removed = (s: SignatureRow) => ({ ...signature(s), removedAt: s.removedAt ?? '', reason: s.removedReason ?? STALE });
const entryInfo = (e: EntryRow) => ({ entryId: e.id, chainSeq: e.chainSeq, bodyHash: e.bodyHash, prevHash: e.prevHash, hash: e.hash, createdAt: e.createdAt });

/**
 * The signatures a record needs: an author and a co-author for each other facilitator of the group,
 * and the supervisor's review when the group asks for it (and has a supervisor).
 */
function required(staff: readonly Staff[], cosign: boolean, signatures: readonly RecordSignature[]) {
  const facilitators = staff.filter((s) => s.role === 'facilitator').map((s) => s.id);
  const supervisors = staff.filter((s) => s.role === 'supervisor').map((s) => s.id);
  const by = (meaning: SignatureMeaning) => signatures.filter((s) => s.meaning === meaning).map((s) => s.signer);
  const coAuthors = by('co-author');
  const slots: { meaning: SignatureMeaning; eligible: string[]; signedBy: string | null }[] = [
    { meaning: 'author', eligible: facilitators, signedBy: by('author')[0] ?? null },
    ...facilitators.slice(1).map((_, n) => ({ meaning: 'co-author' as const, eligible: facilitators, signedBy: coAuthors[n] ?? null }))
  ];
  if (cosign && supervisors.length > 0) slots.push({ meaning: 'reviewed-and-approved', eligible: supervisors, signedBy: by('reviewed-and-approved')[0] ?? null });
  return slots;
}

/** What `accountId`'s signature would mean now, or null: facilitators author, then co-author; the supervisor reviews last. */
function nextMeaning(staff: readonly Staff[], cosign: boolean, signatures: readonly RecordSignature[], accountId: string): SignatureMeaning | null {
  if (signatures.some((s) => s.signer === accountId)) return null;
  const me = staff.find((s) => s.id === accountId);
  if (!me) return null;
  const slots = required(staff, cosign, signatures);
  if (me.role === 'facilitator') return slots.find((s) => s.meaning !== 'reviewed-and-approved' && s.signedBy === null)?.meaning ?? null;
  const facilitatorsDone = slots.filter((s) => s.meaning !== 'reviewed-and-approved').every((s) => s.signedBy !== null);
  const review = slots.find((s) => s.meaning === 'reviewed-and-approved');
  return review && review.signedBy === null && facilitatorsDone ? 'reviewed-and-approved' : null;
}
