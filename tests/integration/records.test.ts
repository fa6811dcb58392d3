import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { sectionName, type JoinResult, type RecordExport, type RecordView } from '@hearth/shared';
import type { Bundle, Observation } from '@medplum/fhirtypes';
import { canonicalize as thirdPartyCanonical } from 'json-canonicalize';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitAck, type BoardClient } from '../support/boardClient.ts';
import { api } from '../support/boardClient.ts';
import { fhirProblems } from '../support/fhir.ts';
import { createParagraph, openNotes, synced, type NotesClient } from '../support/notesClient.ts';
import { useServerFixture } from '../support/serverFixture.ts';
import { DEMO_PASSWORD, joinAsMember, scheduleSession, startTestServer } from '../support/testServer.ts';
import { waitFor } from '../support/wait.ts';

const run = promisify(execFile);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
type Joined = Extract<JoinResult, { ok: true }>;

/** The narratives as typed during the session: Maple's names the river (not River), River's is a copy. */
const MAPLE_TEXT = 'Described a stressful week at work and practised box breathing; said walks by the river help.';
const GENERAL_TEXT = 'Grounding practice; members shared coping strategies for the week ahead.';

/**
 * Session records end to end over the API: a session with three members, a flag and notes is ended;
 * its draft is taken (the notes flushed and frozen), reviewed until every guard is dealt with, signed
 * by both facilitators and the supervisor with their passwords, and final — then the database
 * refuses to change it, addenda chain after it, the chain verifies (and names a tampered entry), the
 * exports recompute with third-party tools, and nothing of it reaches a member.
 */
describe('session records', () => {
  const fx = useServerFixture();
  let sql: postgres.Sql;
  let sessionId = '';
  let groupId = '';
  const ids: Record<'Maple' | 'River' | 'Sparrow', string> = { Maple: '', River: '', Sparrow: '' };
  /** The demo group's whole roster: the three above and members who never join this session. */
  let roster: { memberId: string; alias: string }[] = [];
  let memberToken = '';
  const memberFrames: unknown[] = [];
  let notes: NotesClient | undefined;

  beforeAll(async () => {
    sql = postgres(fx.databaseUrl, { max: 2, onnotice: () => undefined });
  });
  afterAll(async () => {
    notes?.destroy();
    await sql.end();
  });

  const as = (who: 'a' | 'b' | 'supervisor') => fx.cookies[who];
  const rec = <T = RecordView>(who: 'a' | 'b' | 'supervisor', path = '', body?: unknown, method?: string) =>
    api<T>(fx.server.url, `/sessions/${sessionId}/record${path}`, { cookie: as(who), ...(body !== undefined && { body }), ...(method && { method }) });
  const guardKinds = (v: RecordView) => v.guards.map((g) => g.kind).sort();

  it('runs a session with three members, a flag and notes, and ends it', async () => {
    const session = await scheduleSession(fx.server.url, as('a'), 'Tuesday group');
    sessionId = session.id;
    groupId = session.groupId;
    memberToken = await joinAsMember(fx.server.url, session, 'Maple');
    const riverToken = await joinAsMember(fx.server.url, session, 'River');
    await joinAsMember(fx.server.url, session, 'Sparrow'); // on the roster, never connects
    const a = await fx.open({ cookie: as('a') });
    const b = await fx.open({ cookie: as('b') });
    const maple = await fx.open({ token: memberToken });
    const river = await fx.open({ token: riverToken });
    maple.onAny((name: string, payload: unknown) => memberFrames.push({ name, payload }));
    const joins = (await Promise.all([a, b, maple, river].map((s) => emitAck(s, 'join', { sessionId })))) as Joined[];
    expect(joins.every((j) => j.ok)).toBe(true);
    roster = [...(joins[0] as Extract<Joined, { mode: 'snapshot' }>).state.roster];
    for (const r of roster) if (r.alias in ids) ids[r.alias as keyof typeof ids] = r.memberId;

    const cmd = async (socket: BoardClient, id: string, command: unknown) => {
      const r = await emitAck(socket, 'command', { sessionId, id, command });
      expect(r, JSON.stringify(r)).toMatchObject({ ok: true });
    };
    await cmd(a, 's', { type: 'session.start' });
    await cmd(a, 'i1', { type: 'item.start', itemId: 'a1' });
    await cmd(a, 't1', { type: 'turn.start', speaker: { kind: 'member', memberId: ids.Maple } });
    await cmd(a, 't2', { type: 'turn.start', speaker: { kind: 'member', memberId: ids.River } });
    await cmd(a, 't3', { type: 'turn.end' });
    await cmd(a, 'f1', { type: 'flag.raise', flagId: 'f1', category: 'interpersonal-conflict', severity: 'moderate', memberIds: [ids.Maple, ids.River], note: 'Raised voices over seating; settled after a pause.' });
    await cmd(b, 'f1a', { type: 'flag.acknowledge', flagId: 'f1' });
    await cmd(a, 'c1', { type: 'cue.send', cueId: 'c1', text: 'Slow the pace here' }).catch(() => undefined);
    // PHQ-9 on the members' phones: Maple 8 (mild); River leaves question 8 out (no total).
    await cmd(a, 'm0', { type: 'measure.open', runId: 'phq', instrument: 'phq-9' });
    await cmd(maple, 'm1', { type: 'measure.answer', runId: 'phq', answers: [1, 1, 1, 1, 1, 1, 1, 1, 0] });
    await cmd(river, 'm2', { type: 'measure.answer', runId: 'phq', answers: [0, 1, 0, 0, 0, 0, 0, null, 0] });

    // Notes typed during the session, right up to its end: taking the draft flushes them.
    notes = openNotes(fx.server.url, sessionId, as('a'));
    await synced(notes);
    notes.doc.transact(() => {
      createParagraph(notes!.doc).insert(0, GENERAL_TEXT);
      createParagraph(notes!.doc, sectionName(ids.Maple)).insert(0, MAPLE_TEXT);
      createParagraph(notes!.doc, sectionName(ids.River)).insert(0, MAPLE_TEXT);
    });
    await cmd(a, 'end', { type: 'session.end' });
    maple.close();
    river.close();
  });

  it('has no record before it is taken, and only facilitators take it', async () => {
    expect((await rec('a')).body).toMatchObject({ error: { code: 'RECORD_NOT_FOUND' } });
    expect((await rec('supervisor', '', {})).status).toBe(403);
  });

  it('refuses a record for a session still to run', async () => {
    const other = await scheduleSession(fx.server.url, as('a'));
    const r = await api(fx.server.url, `/sessions/${other.id}/record`, { cookie: as('a'), body: {} });
    expect(r).toMatchObject({ status: 409, body: { error: { code: 'SESSION_NOT_ENDED' } } });
  });

  it('takes the draft from the log and the flushed notes, with every guard raised', async () => {
    const { status, body: v } = await rec('a', '', {});
    expect(status).toBe(200);
    expect(v.status).toBe('draft');
    const c = v.content;
    expect(c.session.session.title).toBe('Tuesday group');
    expect(c.session.summary).toBe(GENERAL_TEXT);
    expect(c.session.attendance).toEqual({ attended: 2, onRoster: roster.length });
    expect(roster.length).toBeGreaterThan(3);
    expect(c.session.agenda.map((i) => i.outcome)).toEqual(['completed', 'not-reached', 'not-reached']);
    expect(c.session.flags[0]).toMatchObject({ members: ['Maple', 'River'], acknowledged: { by: expect.any(String) }, resolved: null });
    expect(c.session.clinicians.find((x) => x.role === 'facilitator')?.credentials).toMatch(/\w/);
    const byAlias = Object.fromEntries(c.members.map((m) => [m.alias, m]));
    expect(byAlias['Maple']!.narrative).toBe(MAPLE_TEXT);
    expect(byAlias['Sparrow']).toMatchObject({ narrative: null, participation: null, attendance: { status: 'absent', firstJoin: null } });
    expect(byAlias['Maple']!.participation!.turns).toBe(1);
    // A member's copy of a shared flag says how many others it concerned, never who.
    expect(byAlias['Maple']!.flags[0]).toMatchObject({ otherMembers: 1 });
    expect(JSON.stringify(byAlias['Maple'])).not.toContain('Sparrow');
    // Cues are supervision, kept beside the record, never in a member note.
    for (const m of c.members) expect(JSON.stringify(m)).not.toContain('Slow the pace');
    expect([...new Set(guardKinds(v))]).toEqual(['attendance-unconfirmed', 'names-another-member', 'open-flag', 'similar-narratives']);
    expect(v.guards.filter((g) => g.kind === 'attendance-unconfirmed')).toHaveLength(roster.length - 2);
    expect(v.guards.find((g) => g.kind === 'names-another-member')).toMatchObject({ memberId: ids.Maple, mentionedMemberId: ids.River, where: 'narrative' });
    expect(v.you).toEqual({ mayEdit: true, signAs: 'author', signed: false });

    // Taking it again answers the same record; the notes are frozen now.
    expect((await rec('b', '', {})).body.recordId).toBe(v.recordId);
  });

  it('keeps signing closed until every guard is dealt with', async () => {
    expect((await rec('a', '/signatures', { password: DEMO_PASSWORD })).body).toMatchObject({ error: { code: 'GUARDS_OPEN' } });
    // Each guard, dealt with as a clinician would.
    const a = await fx.open({ cookie: as('a') });
    expect((await emitAck(a, 'join', { sessionId })).ok).toBe(true);
    const cmd = (id: string, command: unknown) => emitAck(a, 'command', { sessionId, id, command });
    expect(await cmd('r1', { type: 'flag.resolve', flagId: 'f1', outcome: 'Talked it through with both after group.' })).toMatchObject({ ok: true });
    // Everyone who never connected: confirmed absent, with a reason.
    for (const r of roster.filter((x) => x.memberId !== ids.Maple && x.memberId !== ids.River)) {
      expect(await cmd(`ac-${r.memberId}`, { type: 'attendance.correct', memberId: r.memberId, status: 'absent', reason: 'Did not attend; left a message.' })).toMatchObject({ ok: true });
    }
    let v = (await rec('a')).body;
    expect(guardKinds(v)).toEqual(['names-another-member', 'similar-narratives']);
    v = (await rec('a', `/members/${ids.River}`, { narrative: 'Quiet at first; after the check-in spoke about sleep and set a goal for the week.' }, 'PUT')).body;
    expect(guardKinds(v)).toEqual(['names-another-member']);
    // A mention that is not a reference: marked so, with a reason; marking it twice changes nothing.
    const override = { memberId: ids.Maple, mentionedMemberId: ids.River, reason: 'the river is a place here, not the member' };
    v = (await rec('a', '/overrides', override)).body;
    expect(v.guards).toEqual([]);
    expect((await rec('a', '/overrides', override)).body).toMatchObject({ error: { code: 'NOTHING_CHANGED' } });
    // Bad input is a 400 naming what is wrong, never a 5xx.
    expect((await rec('a', '/overrides', { ...override, reason: '' })).status).toBe(400);
    expect((await rec('a', `/members/${ids.Sparrow}`, { narrative: 'x' }, 'PUT')).body).toMatchObject({ error: { code: 'MEMBER_NOT_FOUND' } });
    expect((await rec('a', '/members/not-a-member', { narrative: 'x' }, 'PUT')).body).toMatchObject({ error: { code: 'MEMBER_NOT_FOUND' } });
  });

  it('signs with the password again, removes a signature when the content changes after it, and finalizes with the last one', async () => {
    expect((await rec('a', '/signatures', { password: 'not the password' })).body).toMatchObject({ error: { code: 'INVALID_CREDENTIALS' } });
    expect((await rec('supervisor', '/signatures', { password: DEMO_PASSWORD })).body).toMatchObject({ error: { code: 'NOT_YOURS_TO_SIGN' } });
    let v = (await rec('a', '/signatures', { password: DEMO_PASSWORD })).body;
    expect(v.signatures).toMatchObject([{ meaning: 'author', contentHash: v.contentHash, credentials: expect.stringMatching(/\w/) }]);
    expect((await rec('a', '/signatures', { password: DEMO_PASSWORD })).body).toMatchObject({ error: { code: 'ALREADY_SIGNED' } });

    // B edits the summary: A's signature signed other content, so it comes off, saying why.
    v = (await rec('b', '/summary', { summary: `${GENERAL_TEXT} Two members practised box breathing.` }, 'PUT')).body;
    expect(v.signatures).toEqual([]);
    expect(v.removedSignatures).toMatchObject([{ meaning: 'author', reason: expect.stringContaining('edited the group summary') }]);

    v = (await rec('b', '/signatures', { password: DEMO_PASSWORD })).body;
    expect(v.signatures.map((s) => s.meaning)).toEqual(['author']);
    const pending = (await api<{ records: { sessionId: string; signAs: string }[] }>(fx.server.url, '/records/pending', { cookie: as('a') })).body.records;
    expect(pending).toContainEqual(expect.objectContaining({ sessionId, signAs: 'co-author' }));
    expect((await api<{ records: { sessionId: string }[] }>(fx.server.url, '/records/pending', { cookie: as('supervisor') })).body.records.map((r) => r.sessionId)).not.toContain(sessionId);
    v = (await rec('a', '/signatures', { password: DEMO_PASSWORD })).body;
    expect(v.status).toBe('draft');
    expect((await api<{ records: { sessionId: string; signAs: string }[] }>(fx.server.url, '/records/pending', { cookie: as('supervisor') })).body.records).toContainEqual(
      expect.objectContaining({ sessionId, signAs: 'reviewed-and-approved' })
    );
    v = (await rec('supervisor', '/signatures', { password: DEMO_PASSWORD })).body;
    expect(v.status).toBe('final');
    expect(v.signatures.map((s) => s.meaning)).toEqual(['author', 'co-author', 'reviewed-and-approved']);
    expect(v.signatures.every((s) => s.contentHash === v.contentHash)).toBe(true);
    expect(v.final).toMatchObject({ chainSeq: 1, prevHash: null });
    expect(v.you.signAs).toBeNull();
    for (const who of ['a', 'b', 'supervisor'] as const) {
      const mine = (await api<{ records: { sessionId: string }[] }>(fx.server.url, '/records/pending', { cookie: as(who) })).body.records;
      expect(mine.map((r) => r.sessionId)).not.toContain(sessionId);
    }
  });

  it('refuses every change to a final record, in the API and in the database', async () => {
    expect((await rec('a', '/summary', { summary: 'changed' }, 'PUT')).body).toMatchObject({ error: { code: 'RECORD_FINAL' } });
    expect((await rec('a', '/signatures', { password: DEMO_PASSWORD })).body).toMatchObject({ error: { code: 'RECORD_FINAL' } });
    // The board no longer takes what would change the record's account: attendance and flags.
    const command = (id: string, command: unknown) => api(fx.server.url, `/sessions/${sessionId}/commands`, { cookie: as('b'), body: { id, command } });
    expect((await command('late-ac', { type: 'attendance.correct', memberId: ids.Sparrow, status: 'late', reason: 'Joined by phone after all' })).body).toMatchObject({ error: { code: 'RECORD_FINAL' } });
    expect((await command('late-fu', { type: 'flag.follow_up', flagId: 'f1', note: 'Called both' })).body).toMatchObject({ error: { code: 'RECORD_FINAL' } });
    const [record] = await sql<{ id: string }[]>`select id from records where session_id = ${sessionId}`;
    const refused = async (q: Promise<unknown>) => {
      const err = await q.then(() => null, (e: Error) => e);
      expect(err?.message).toMatch(/refused|append-only/);
    };
    await refused(sql`update records set edits = '{"summary":"x"}' where id = ${record!.id}`);
    await refused(sql`delete from records where id = ${record!.id}`);
    await refused(sql`update record_signatures set printed_name = 'Someone else' where record_id = ${record!.id}`);
    await refused(sql`delete from record_signatures where record_id = ${record!.id}`);
    await refused(sql`update record_entries set body = '{}' where record_id = ${record!.id}`);
    await refused(sql`delete from record_entries where record_id = ${record!.id}`);
    const v = (await rec('a')).body;
    expect(v.status).toBe('final');
    expect(v.content.session.summary).toContain('box breathing');
  });

  it('adds a signed addendum, chained after the record, the original unchanged', async () => {
    const before = (await rec('a')).body;
    expect((await rec('a', '/addenda', { password: 'wrong', reason: 'Late information', text: 'x' })).body).toMatchObject({ error: { code: 'INVALID_CREDENTIALS' } });
    expect((await rec('a', '/addenda', { password: DEMO_PASSWORD, reason: '', text: 'x' })).status).toBe(400);
    const v = (await rec('a', '/addenda', { password: DEMO_PASSWORD, reason: 'Late information', text: 'Maple called the next day; feeling better.' })).body;
    expect(v.addenda).toMatchObject([{ reason: 'Late information', author: { name: expect.any(String) }, entry: { chainSeq: 2, prevHash: before.final!.hash } }]);
    expect(v.content).toEqual(before.content);
    expect(v.final).toEqual(before.final);
    const [entry] = await sql<{ id: string }[]>`select id from record_entries where kind = 'addendum'`;
    const err = await sql`update record_entries set body = '{}' where id = ${entry!.id}`.then(() => null, (e: Error) => e);
    expect(err?.message).toMatch(/refused|append-only/);
    const err2 = await sql`delete from record_entries where id = ${entry!.id}`.then(() => null, (e: Error) => e);
    expect(err2?.message).toMatch(/refused|append-only/);
    expect((await rec('a', '/addenda', { password: DEMO_PASSWORD, reason: 'r', text: 't' })).status).toBe(200);
  });

  it('exports JSON whose hashes recompute with a third-party canonicalizer', async () => {
    const { status, body } = await rec<RecordExport>('a', '/export');
    expect(status).toBe(200);
    expect(sha256(thirdPartyCanonical(JSON.parse(body.body)))).toBe(body.entry.bodyHash);
    expect(sha256(body.body)).toBe(body.entry.bodyHash);
    const signed = JSON.parse(body.body) as { content: unknown; contentHash: string; signatures: { contentHash: string }[] };
    expect(sha256(thirdPartyCanonical(signed.content))).toBe(signed.contentHash);
    expect(signed.signatures.every((s) => s.contentHash === signed.contentHash)).toBe(true);
    const link = (e: RecordExport['entry'], kind: string) =>
      sha256(thirdPartyCanonical({ bodyHash: e.bodyHash, chainSeq: e.chainSeq, groupId, kind, prevHash: e.prevHash, recordId: body.recordId }));
    expect(link(body.entry, 'record')).toBe(body.entry.hash);
    for (const [n, a] of body.addenda.entries()) {
      expect(sha256(thirdPartyCanonical(JSON.parse(a.body)))).toBe(a.entry.bodyHash);
      expect(link(a.entry, 'addendum')).toBe(a.entry.hash);
      expect(a.entry.prevHash).toBe(n === 0 ? body.entry.hash : body.addenda[n - 1]!.entry.hash);
    }
  });

  it('exports a FHIR R4 bundle that validates, with members only by alias and roster id', async () => {
    const { status, body } = await rec<Bundle>('a', '/fhir');
    expect(status).toBe(200);
    expect(fhirProblems(body)).toEqual([]);
    const types = body.entry!.map((e) => e.resource!.resourceType);
    expect(types.filter((t) => t === 'Encounter')).toHaveLength(roster.length + 1);
    expect(types.filter((t) => t === 'Patient')).toHaveLength(roster.length);
    expect(types.filter((t) => t === 'DocumentReference')).toHaveLength(roster.length);
    expect(types.filter((t) => t === 'Provenance')).toHaveLength(3);
    const session = body.entry!.find((e) => e.resource!.resourceType === 'Encounter' && !('partOf' in e.resource!))!.resource!;
    expect((session as { subject: { reference: string } }).subject.reference).toBe(body.entry!.find((e) => e.resource!.resourceType === 'Group')!.fullUrl);
    const patients = body.entry!.filter((e) => e.resource!.resourceType === 'Patient').map((e) => e.resource as { name: { text: string }[]; identifier: { value: string }[] });
    expect(patients.map((p) => p.name[0]!.text).sort()).toEqual(roster.map((r) => r.alias).sort());
    expect(patients.map((p) => p.identifier[0]!.value).sort()).toEqual(roster.map((r) => r.memberId).sort());
    // Each member's measure as an Observation of their encounter: LOINC-coded total, each answer a component.
    const observations = body.entry!.filter((e) => e.resource!.resourceType === 'Observation').map((e) => e.resource as Observation);
    expect(observations).toHaveLength(2);
    const byPatient = (alias: string) => {
      const patient = body.entry!.find((e) => e.resource!.resourceType === 'Patient' && (e.resource as { name: { text: string }[] }).name[0]!.text === alias)!;
      return observations.find((o) => o.subject?.reference === patient.fullUrl)!;
    };
    expect(byPatient('Maple')).toMatchObject({ status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '44261-6' }, { code: 'phq-9' }] }, valueQuantity: { value: 8 }, interpretation: [{ text: 'Mild' }] });
    expect(byPatient('Maple').component).toHaveLength(9);
    expect(byPatient('River').valueQuantity).toBeUndefined();
    expect(byPatient('River').dataAbsentReason?.coding?.[0]?.code).toBe('asked-declined');
    expect(byPatient('River').component![7]!.dataAbsentReason?.coding?.[0]?.code).toBe('asked-declined');
    const provenance = body.entry!.find((e) => e.resource!.resourceType === 'Provenance')!.resource as { activity: { coding: { code: string }[] }; signature: { type: { code: string }[] }[] };
    expect(provenance.activity.coding[0]!.code).toBe('LA');
    expect(provenance.signature[0]!.type[0]!.code).toBe('1.2.840.10065.1.12.1.1');
    // Positive control for the validator: a wrong code and an unknown element are caught.
    expect(fhirProblems({ ...body, type: 'not-a-type' } as unknown as Bundle)).not.toEqual([]);
    expect(fhirProblems({ ...body, entry: [{ resource: { resourceType: 'Patient', nickname: 'x' } }] } as unknown as Bundle)).not.toEqual([]);
  });

  it('keeps records from members: no route answers a member token, no frame carried any of it', async () => {
    const routes = ['', '/print', '/export', '/fhir', '/access'];
    for (const auth of [{ cookie: `hearth_session=${memberToken}` }, { authorization: `Bearer ${memberToken}` }] as Record<string, string>[]) {
      for (const path of routes) {
        const res = await fetch(`${fx.server.url}/api/sessions/${sessionId}/record${path}`, { headers: auth });
        expect(res.status, path).toBe(401);
      }
      for (const [path, method, body] of [
        ['', 'POST', {}],
        ['/summary', 'PUT', { summary: 'x' }],
        ['/signatures', 'POST', { password: 'x' }],
        ['/addenda', 'POST', { password: 'x', reason: 'r', text: 't' }]
      ] as const) {
        const res = await fetch(`${fx.server.url}/api/sessions/${sessionId}/record${path}`, { method, headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
        expect(res.status, path).toBe(401);
      }
      expect((await fetch(`${fx.server.url}/api/groups/${groupId}/records/verify`, { headers: auth })).status).toBe(401);
      expect((await fetch(`${fx.server.url}/api/records/pending`, { headers: auth })).status).toBe(401);
    }
    // Positive control: the member's socket did receive the session as it ran.
    expect(JSON.stringify(memberFrames)).toContain('session.started');
    for (const secret of [MAPLE_TEXT, GENERAL_TEXT, 'Raised voices', 'Slow the pace', 'box breathing']) expect(JSON.stringify(memberFrames)).not.toContain(secret);
  });

  it('audits every read, signature, addendum and override without content, and lists the record\'s access history', async () => {
    await rec('b', '/print');
    const { body } = await rec<{ accesses: { action: string; actorName: string | null }[] }>('supervisor', '/access');
    const actions = body.accesses.map((x) => x.action);
    for (const a of ['record.draft', 'record.view', 'record.print', 'record.edit', 'record.guard-override', 'record.sign.author', 'record.sign.co-author', 'record.sign.reviewed-and-approved', 'record.addendum', 'record.export.json', 'record.export.fhir']) {
      expect(actions, a).toContain(a);
    }
    expect(body.accesses.every((x) => x.actorName !== null)).toBe(true);
    const rows = await sql`select * from audit_log`;
    for (const secret of [MAPLE_TEXT, 'box breathing', 'Late information', 'Maple called', 'river is a place']) expect(JSON.stringify(rows)).not.toContain(secret);
  });

  it('verifies the chain, names a tampered entry, over the API and with npm run verify-records', async () => {
    const verify = () => api<{ ok: boolean; entries: number; firstBreak: { entryId: string; recordId: string; problem: string } | null }>(fx.server.url, `/groups/${groupId}/records/verify`, { cookie: as('supervisor') });
    expect((await verify()).body).toEqual({ ok: true, entries: 3, firstBreak: null });
    const cli = () =>
      run(process.execPath, ['--import', 'tsx', 'server/src/records/verifyCli.ts'], { env: { ...process.env, DATABASE_URL: fx.databaseUrl } }).then(
        (r) => ({ code: 0, out: r.stdout }),
        (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout })
      );
    expect(await cli()).toMatchObject({ code: 0, out: expect.stringContaining('every chain holds') });

    // As a superuser, with the trigger off: one word of the final record changed.
    const [entry] = await sql<{ id: string; record_id: string }[]>`select id, record_id from record_entries where kind = 'record'`;
    await sql.begin(async (tx) => {
      await tx`alter table record_entries disable trigger record_entries_insert_only`;
      await tx`update record_entries set body = replace(body, 'box breathing', 'deep breathing') where id = ${entry!.id}`;
      await tx`alter table record_entries enable trigger record_entries_insert_only`;
    });
    const broken = (await verify()).body;
    expect(broken).toMatchObject({ ok: false, firstBreak: { entryId: entry!.id, recordId: entry!.record_id, problem: expect.stringContaining('content') } });
    const out = await cli();
    expect(out.code).toBe(1);
    expect(out.out).toContain(`record ${entry!.record_id} (session ${sessionId})`);

    // Put back as it was, then the hash itself rewritten to match: the link to it breaks instead.
    await sql.begin(async (tx) => {
      await tx`alter table record_entries disable trigger record_entries_insert_only`;
      await tx`update record_entries set body = replace(body, 'deep breathing', 'box breathing') where id = ${entry!.id}`;
      await tx`alter table record_entries enable trigger record_entries_insert_only`;
    });
    expect((await verify()).body.ok).toBe(true);
    await sql.begin(async (tx) => {
      await tx`alter table record_entries disable trigger record_entries_insert_only`;
      const [row] = await tx<{ body: string }[]>`select body from record_entries where id = ${entry!.id}`;
      const changed = row!.body.replace('box breathing', 'deep breathing');
      await tx`update record_entries set body = ${changed}, body_hash = ${sha256(changed)} where id = ${entry!.id}`;
      await tx`alter table record_entries enable trigger record_entries_insert_only`;
    });
    expect((await verify()).body).toMatchObject({ ok: false, firstBreak: { entryId: entry!.id, problem: expect.stringContaining('link') } });
    // And the triggers are back on: the tampered row itself cannot be changed again.
    expect(await sql`delete from record_entries where id = ${entry!.id}`.then(() => null, (e: Error) => e.message)).toMatch(/refused|append-only/);
  });
});

/**
 * The insert-only role of docs/operations.md, as written there: an instance runs as it, and Postgres
 * itself refuses it any change to evidence — beyond the triggers, which its owner could disable.
 */
describe('the insert-only role of docs/operations.md', () => {
  const fx = useServerFixture();

  it('starts an instance, and may not change or delete evidence, nor disable a trigger', async () => {
    const doc = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');
    const block = /\*\*An insert-only role\.\*\*[\s\S]*?```sql\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(block, 'the role\'s SQL in docs/operations.md').toBeTruthy();
    const db = new URL(fx.databaseUrl);
    const name = db.pathname.slice(1);
    const role = `hearth_app_${name.slice(-8)}`;
    const script = block!.replaceAll('hearth_app', role).replace("'…'", "'test'").replace('on database hearth', `on database ${name}`);
    const owner = postgres(fx.databaseUrl, { max: 1, onnotice: () => undefined });
    await owner.unsafe(script);
    const roleUrl = new URL(fx.databaseUrl);
    roleUrl.username = role;
    roleUrl.password = 'test';
    const app = postgres(roleUrl.toString(), { max: 1, onnotice: () => undefined });
    try {
      const refused = (q: Promise<unknown>) => q.then(() => 'allowed', (e: Error) => e.message);
      expect(await refused(app`delete from session_events`)).toMatch(/permission denied/);
      expect(await refused(app`update record_entries set body = body`)).toMatch(/permission denied/);
      expect(await refused(app`delete from record_entries`)).toMatch(/permission denied/);
      expect(await refused(app`truncate record_entries`)).toMatch(/permission denied/);
      expect(await refused(app`delete from records`)).toMatch(/permission denied/);
      expect(await refused(app`delete from audit_log`)).toMatch(/permission denied/);
      expect(await refused(app`alter table record_entries disable trigger record_entries_insert_only`)).toMatch(/must be owner/);
      // What it must do, it may: read and append.
      expect(await refused(app`select count(*) from record_entries`)).toBe('allowed');

      const server = await startTestServer({ DATABASE_URL: roleUrl.toString() });
      try {
        const health = await api<{ database: string }>(server.url, '/health');
        expect(health).toMatchObject({ status: 200, body: { database: 'ok' } });
      } finally {
        await server.close();
      }
    } finally {
      await app.end();
      await owner.unsafe(`drop owned by ${role}; drop role ${role}`);
      await owner.end();
    }
  });
});
