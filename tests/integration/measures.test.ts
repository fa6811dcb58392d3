import type { BoardState, EventMessage, JoinResult, RecordView } from '@hearth/shared';
import { describe, expect, it } from 'vitest';
import { api, emitAck, type BoardClient } from '../support/boardClient.ts';
import { useServerFixture } from '../support/serverFixture.ts';
import { joinAsMember, scheduleSession } from '../support/testServer.ts';
import { waitFor } from '../support/wait.ts';

type Joined = Extract<JoinResult, { ok: true }>;
type Snapshot = Extract<Joined, { mode: 'snapshot' }>;

/** Every frame a socket receives, whatever its name: what the device actually got. */
function frames(socket: BoardClient) {
  const seen: { name: string; payload: unknown }[] = [];
  socket.onAny((name: string, payload: unknown) => seen.push({ name, payload }));
  return seen;
}
const eventsIn = (seen: { name: string; payload: unknown }[]) =>
  seen.filter((f) => f.name === 'event' || f.name === 'private').map((f) => ({ channel: f.name, ...(f.payload as EventMessage) }));

/**
 * Measures over real sockets: a facilitator opens PHQ-9 on members' phones; each member's answers
 * reach the clinicians and that member alone; a question 9 answer raises a safety flag nobody but the
 * clinicians hear of; the answers are in the session's record.
 */
describe('measures on members\' phones', () => {
  const fx = useServerFixture();

  it('sends each member\'s answers to the clinicians and to that member only, and flags question 9 for clinicians alone', async () => {
    const session = await scheduleSession(fx.server.url, fx.cookies.a, 'Measures group');
    const [mapleToken, riverToken] = await Promise.all(['Maple', 'River'].map((alias) => joinAsMember(fx.server.url, session, alias)));
    const a = await fx.open({ cookie: fx.cookies.a });
    const sup = await fx.open({ cookie: fx.cookies.supervisor });
    const maple = await fx.open({ token: mapleToken! });
    const river = await fx.open({ token: riverToken! });
    const mapleSaw = frames(maple);
    const riverSaw = frames(river);
    const supSaw = frames(sup);
    const joins = (await Promise.all([a, sup, maple, river].map((s) => emitAck(s, 'join', { sessionId: session.id })))) as Joined[];
    expect(joins.every((j) => j.ok)).toBe(true);
    const roster = (joins[0] as Snapshot).state.roster;
    const id = (alias: string) => roster.find((r) => r.alias === alias)!.memberId;
    const send = (socket: BoardClient, cmdId: string, command: unknown) => emitAck(socket, 'command', { sessionId: session.id, id: cmdId, command });

    expect(await send(a, 's', { type: 'session.start' })).toMatchObject({ ok: true });
    // A member may not open a measure; a facilitator may not answer one.
    expect(await send(maple, 'x1', { type: 'measure.open', runId: 'phq', instrument: 'phq-9' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await send(a, 'x2', { type: 'measure.open', runId: 'phq', instrument: 'ors' })).toMatchObject({ ok: false, error: { code: 'INSTRUMENT_NOT_FOUND' } });
    expect(await send(a, 'o1', { type: 'measure.open', runId: 'phq', instrument: 'phq-9' })).toMatchObject({ ok: true });
    expect(await send(a, 'x3', { type: 'measure.open', runId: 'gad', instrument: 'gad-7' })).toMatchObject({ ok: false, error: { code: 'MEASURE_OPEN' } });
    expect(await send(a, 'x4', { type: 'measure.answer', runId: 'phq', answers: [0, 0, 0, 0, 0, 0, 0, 0, 0] })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    // The questions reach every member, exactly as worded.
    await waitFor(() => [mapleSaw, riverSaw].every((s) => eventsIn(s).some((e) => e.event.type === 'measure.opened')), 5000, 'the measure on both phones');
    const opened = eventsIn(riverSaw).find((e) => e.event.type === 'measure.opened')!.event;
    expect(opened).toMatchObject({ instrument: { key: 'phq-9', items: expect.arrayContaining([{ id: 'q9', text: 'Thoughts that you would be better off dead or of hurting yourself in some way' }]) } });

    // Bad answers get a clear error and change nothing.
    expect(await send(maple, 'b1', { type: 'measure.answer', runId: 'phq', answers: [1, 1] })).toMatchObject({ ok: false, error: { code: 'ANSWERS_INVALID' } });
    expect(await send(maple, 'b2', { type: 'measure.answer', runId: 'phq', answers: [1, 1, 1, 1, 1, 1, 1, 1, 4] })).toMatchObject({ ok: false, error: { code: 'ANSWERS_INVALID' } });
    expect(await send(maple, 'b3', { type: 'measure.answer', runId: 'phq', answers: [1, 1, 1, 1, 1, 1, 1, 1, 'x'] })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });

    // Maple: 1+1+0+2+0+1+0+0+2 = 7, mild, and "more than half the days" on question 9. River: 3, minimal.
    const mapleAnswers = [1, 1, 0, 2, 0, 1, 0, 0, 2];
    const riverAnswers = [0, 1, 0, 1, 0, 1, 0, null, 0];
    expect(await send(maple, 'm1', { type: 'measure.answer', runId: 'phq', answers: mapleAnswers })).toMatchObject({ ok: true });
    expect(await send(river, 'r1', { type: 'measure.answer', runId: 'phq', answers: riverAnswers })).toMatchObject({ ok: true });
    expect(await send(maple, 'm2', { type: 'measure.answer', runId: 'phq', answers: mapleAnswers })).toMatchObject({ ok: false, error: { code: 'ALREADY_ANSWERED' } });

    // The supervisor sees both answers and the safety flag about Maple, raised by no clinician.
    await waitFor(() => eventsIn(supSaw).filter((e) => e.event.type === 'measure.answered').length === 2, 5000, 'both answers at the supervisor');
    const flag = eventsIn(supSaw).find((e) => e.event.type === 'flag.raised')?.event;
    expect(flag).toMatchObject({ category: 'safety-risk', severity: 'high', memberIds: [id('Maple')], by: 'hearth:measure' });
    const board = (await emitAck(a, 'join', { sessionId: session.id })) as Snapshot;
    expect(board.state.measures[0]!.responses.map((r) => [r.memberId, r.total, r.band, r.concern])).toEqual([
      [id('Maple'), 7, 'Mild', false],
      [id('River'), null, null, false]
    ]);

    // Each member's device got its own answers on its private channel, and nothing of the other's or of the flag.
    const mapleEvents = eventsIn(mapleSaw);
    const riverEvents = eventsIn(riverSaw);
    expect(mapleEvents.filter((e) => e.event.type === 'measure.answered').map((e) => [e.channel, e.event])).toEqual([
      ['private', expect.objectContaining({ memberId: id('Maple'), answers: mapleAnswers })]
    ]);
    expect(riverEvents.filter((e) => e.event.type === 'measure.answered').map((e) => [e.channel, e.event])).toEqual([
      ['private', expect.objectContaining({ memberId: id('River'), answers: riverAnswers })]
    ]);
    for (const seen of [mapleSaw, riverSaw]) {
      const text = JSON.stringify(seen);
      expect(text).not.toContain('flag.raised');
      expect(text).not.toContain('safety-risk');
      expect(text).not.toContain('hearth:measure');
      // No score travels to a member: the instrument (with its published bands) and their own raw answers only.
      expect(text).not.toContain('"band":"Mild"');
      expect(text).not.toContain('"total":');
    }
    expect(JSON.stringify(riverSaw)).not.toContain(JSON.stringify(mapleAnswers));
    expect(JSON.stringify(mapleSaw)).not.toContain(JSON.stringify(riverAnswers));
    // Positive control: the words did travel, to the clinicians.
    expect(JSON.stringify(supSaw)).toContain('hearth:measure');

    // A fresh join shows each member the questions and their own answers only.
    const riverView = ((await emitAck(river, 'join', { sessionId: session.id })) as Snapshot).state;
    expect(riverView.measures.map((m) => m.responses.map((r) => r.memberId))).toEqual([[id('River')]]);
    expect(riverView).not.toHaveProperty('flags');

    // Closed with the session; the answers are in each member's note of the record, as asked.
    expect(await send(a, 'e', { type: 'session.end' })).toMatchObject({ ok: true });
    expect(await send(river, 'late', { type: 'measure.answer', runId: 'phq', answers: riverAnswers })).toMatchObject({ ok: false, error: { code: 'SESSION_ENDED' } });
    const record = await api<RecordView>(fx.server.url, `/sessions/${session.id}/record`, { cookie: fx.cookies.a, body: {} });
    expect(record.status, JSON.stringify(record.body)).toBeLessThan(300);
    const note = (alias: string) => record.body.content.members.find((m) => m.alias === alias)!;
    expect(note('Maple').measures).toEqual([
      expect.objectContaining({ instrument: 'phq-9', total: 7, band: 'Mild', concern: false, answers: expect.arrayContaining([expect.objectContaining({ itemId: 'q9', value: 2, label: 'More than half the days' })]) })
    ]);
    expect(note('River').measures![0]!.answers[7]).toMatchObject({ itemId: 'q8', value: null, label: null });
    expect(note('Maple').flags.map((f) => f.category)).toEqual(['safety-risk']);
  });

  it('raises a crisis flag for "nearly every day" on question 9', async () => {
    const session = await scheduleSession(fx.server.url, fx.cookies.a, 'Crisis answers');
    const token = await joinAsMember(fx.server.url, session, 'Sparrow');
    const a = await fx.open({ cookie: fx.cookies.a });
    const sparrow = await fx.open({ token: token! });
    for (const s of [a, sparrow]) expect(await emitAck(s, 'join', { sessionId: session.id })).toMatchObject({ ok: true });
    const send = (socket: BoardClient, cmdId: string, command: unknown) => emitAck(socket, 'command', { sessionId: session.id, id: cmdId, command });
    expect(await send(a, 's', { type: 'session.start' })).toMatchObject({ ok: true });
    expect(await send(a, 'o', { type: 'measure.open', runId: 'phq', instrument: 'phq-9' })).toMatchObject({ ok: true });
    expect(await send(sparrow, 'm', { type: 'measure.answer', runId: 'phq', answers: [0, 0, 0, 0, 0, 0, 0, 0, 3] })).toMatchObject({ ok: true });
    const board = ((await emitAck(a, 'join', { sessionId: session.id })) as Snapshot).state as BoardState;
    expect(board.flags).toEqual([expect.objectContaining({ category: 'safety-risk', severity: 'crisis', raisedBy: 'hearth:measure', acknowledged: null })]);
    // Any clinician acknowledges it (nobody raised it), and works through the organization's risk steps.
    expect(await send(a, 'k', { type: 'flag.acknowledge', flagId: board.flags[0]!.id })).toMatchObject({ ok: true });
    expect(await send(a, 'st', { type: 'flag.check_step', flagId: board.flags[0]!.id, stepId: board.crisis.checklist[0]!.id })).toMatchObject({ ok: true });
  });
});
