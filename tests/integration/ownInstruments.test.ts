import type { BoardState, EventMessage, Instrument, JoinResult } from '@hearth/shared';
import { describe, expect, it } from 'vitest';
import { api, emitAck, recordEvents, type BoardClient } from '../support/boardClient.ts';
import { useServerFixture } from '../support/serverFixture.ts';
import { joinAsMember, scheduleSession } from '../support/testServer.ts';

type Snapshot = Extract<JoinResult, { ok: true; mode: 'snapshot' }>;

const SLEEP = {
  title: 'Sleep check',
  instructions: 'Over the last week:',
  items: ['How well did you sleep?', 'How rested did you feel on waking?'],
  scale: { min: 0, max: 4, minLabel: 'Not at all', maxLabel: 'Very' },
  scoring: 'sum',
  bands: [
    { min: 0, max: 3, label: 'Poor' },
    { min: 4, max: 8, label: 'Fair to good' }
  ],
  concern: { direction: 'low', at: 3 }
} as const;

/**
 * An organization's own instruments and a group's wording of the check-in: entered once, offered at
 * once by every session not yet over (and by those scheduled later), opened on members' phones like the
 * built-in ones — while PHQ-9 and GAD-7 cannot be reworded or replaced.
 */
describe('an organization\'s own instruments, and a group\'s wording', () => {
  const fx = useServerFixture();

  it('offers them in every session not yet over, asks them as entered, and takes them away again', async () => {
    const session = await scheduleSession(fx.server.url, fx.cookies.a, 'Before the instrument');
    const a = await fx.open({ cookie: fx.cookies.a });
    const board = async (socket: BoardClient = a) => ((await emitAck(socket, 'join', { sessionId: session.id })) as Snapshot).state as BoardState;
    expect((await board()).instruments).toEqual([]);

    const added = await api<{ instruments: Instrument[] }>(fx.server.url, '/organization/instruments', { cookie: fx.cookies.b, body: SLEEP });
    expect(added.status).toBe(201);
    expect(added.body.instruments.map((i) => [i.key, i.items.length, i.scale.max])).toEqual([['org-sleep-check', 2, 4]]);
    expect((await api<{ error: { code: string } }>(fx.server.url, '/organization/instruments', { cookie: fx.cookies.a, body: SLEEP })).body.error.code).toBe('INSTRUMENT_EXISTS');
    for (const bad of [{ ...SLEEP, title: 'Other', scale: { ...SLEEP.scale, min: 4 } }, { ...SLEEP, title: 'Other', items: [] }, { ...SLEEP, title: 'Other', key: 'phq-9' }]) {
      expect((await api(fx.server.url, '/organization/instruments', { cookie: fx.cookies.a, body: bad })).status, JSON.stringify(bad).slice(0, 80)).toBe(400);
    }
    // The session scheduled before has it now; one scheduled after has it from the start.
    expect((await board()).instruments.map((i) => i.key)).toEqual(['org-sleep-check']);
    const later = await scheduleSession(fx.server.url, fx.cookies.a, 'After the instrument');
    expect((((await emitAck(a, 'join', { sessionId: later.id })) as Snapshot).state as BoardState).instruments.map((i) => i.key)).toEqual(['org-sleep-check']);

    // The group words its check-in; PHQ-9 cannot be reworded (there is no field for it).
    const wording = `/groups/${session.groupId}/measure-wording`;
    expect((await api(fx.server.url, wording, { cookie: fx.cookies.supervisor, method: 'PUT', body: { checkIn: 'x', checkOut: null } })).status).toBe(403);
    expect((await api(fx.server.url, wording, { cookie: fx.cookies.a, method: 'PUT', body: { checkIn: 'x', checkOut: ['a', 'b'] } })).status).toBe(400);
    expect((await api(fx.server.url, wording, { cookie: fx.cookies.a, method: 'PUT', body: { checkIn: 'How is your week landing?', checkOut: null } })).status).toBe(200);
    expect((await api(fx.server.url, wording, { cookie: fx.cookies.supervisor })).body).toEqual({ checkIn: 'How is your week landing?', checkOut: null });
    expect((await board()).instruments.map((i) => [i.key, i.items[0]!.text])).toEqual([
      ['check-in', 'How is your week landing?'],
      ['org-sleep-check', 'How well did you sleep?']
    ]);

    // On a member's phone: the questions as entered and as worded; no catalogue on the member's side.
    const token = await joinAsMember(fx.server.url, session, 'Maple');
    const maple = await fx.open({ token });
    const seen = recordEvents(maple);
    const mapleView = ((await emitAck(maple, 'join', { sessionId: session.id })) as Snapshot).state;
    expect(mapleView).not.toHaveProperty('instruments');
    const send = async (socket: BoardClient, id: string, command: unknown) => expect(await emitAck(socket, 'command', { sessionId: session.id, id, command })).toMatchObject({ ok: true });
    await send(a, 's', { type: 'session.start' });
    await send(a, 'o1', { type: 'measure.open', runId: 'in', instrument: 'check-in' });
    await send(maple, 'm1', { type: 'measure.answer', runId: 'in', answers: [6] });
    await send(a, 'c1', { type: 'measure.close', runId: 'in' });
    await send(a, 'o2', { type: 'measure.open', runId: 'sleep', instrument: 'org-sleep-check' });
    expect(await emitAck(maple, 'command', { sessionId: session.id, id: 'm-bad', command: { type: 'measure.answer', runId: 'sleep', answers: [5, 1] } })).toMatchObject({ ok: false, error: { code: 'ANSWERS_INVALID' } });
    await send(maple, 'm2', { type: 'measure.answer', runId: 'sleep', answers: [1, 1] });
    const opened = seen.filter((m: EventMessage) => m.event.type === 'measure.opened').map((m) => (m.event as { instrument: Instrument }).instrument.items[0]!.text);
    expect(opened).toEqual(['How is your week landing?', 'How well did you sleep?']);
    expect(JSON.stringify(seen)).not.toContain('instruments.configured');
    const scored = (await board()).measures.find((m) => m.runId === 'sleep')!.responses[0]!;
    expect([scored.total, scored.band, scored.concern]).toEqual([2, 'Poor', true]);

    // Removed: not offered any more; what was asked stays in the session.
    expect((await api(fx.server.url, '/organization/instruments/org-sleep-check', { cookie: fx.cookies.a, method: 'DELETE' })).status).toBe(204);
    expect((await api(fx.server.url, '/organization/instruments/org-sleep-check', { cookie: fx.cookies.a, method: 'DELETE' })).status).toBe(404);
    expect((await board()).instruments.map((i) => i.key)).toEqual(['check-in']);
    await send(a, 'c2', { type: 'measure.close', runId: 'sleep' });
    expect(await emitAck(a, 'command', { sessionId: session.id, id: 'o3', command: { type: 'measure.open', runId: 'again', instrument: 'org-sleep-check' } })).toMatchObject({ ok: false, error: { code: 'INSTRUMENT_NOT_FOUND' } });
    expect((await board()).measures.map((m) => m.instrument.key)).toEqual(['check-in', 'org-sleep-check']);
  });
});
