import type { EventMessage, JoinResult } from '@hearth/shared';
import { describe, expect, it } from 'vitest';
import { emitAck, recordEvents } from '../support/boardClient.ts';
import { useServerFixture } from '../support/serverFixture.ts';
import { joinAsMember, scheduleSession } from '../support/testServer.ts';
import { waitFor } from '../support/wait.ts';

/** The live board through real sockets on a real server and Postgres: roles, rooms, seqs, retries. */
describe('live board over Socket.IO', () => {
  const fx = useServerFixture();
  const open = fx.open;

  it('sends each role the events it may see, in order, with the role\'s previous seq', async () => {
    const session = await scheduleSession(fx.server.url, fx.cookies.a);
    const token = await joinAsMember(fx.server.url, session, 'Maple');
    const [a, b, sup, member] = await Promise.all([
      open({ cookie: fx.cookies.a }),
      open({ cookie: fx.cookies.b }),
      open({ cookie: fx.cookies.supervisor }),
      open({ token })
    ]);
    const joins = await Promise.all([a, b, sup, member].map((s) => emitAck(s, 'join', { sessionId: session.id })));
    expect(joins.map((j) => (j.ok ? j.role : j.error.code))).toEqual(['facilitator', 'facilitator', 'supervisor', 'member']);
    const [bSeen, supSeen, memberSeen] = [b, sup, member].map(recordEvents) as [EventMessage[], EventMessage[], EventMessage[]];

    const cmd = (id: string, command: unknown) => emitAck(a, 'command', { sessionId: session.id, id, command });
    expect(await cmd('c1', { type: 'session.start' })).toMatchObject({ ok: true, duplicate: false });
    expect(await cmd('c2', { type: 'agenda.set_guidance', itemId: 'a2', guidance: 'Watch for avoidance' })).toMatchObject({ ok: true });
    const started = await cmd('c3', { type: 'item.start', itemId: 'a2' });
    expect(started).toMatchObject({ ok: true });

    await waitFor(() => bSeen.length === 3 && supSeen.length === 3 && memberSeen.length === 2, 3000, 'events to arrive');
    expect(bSeen.map((e) => e.event.type)).toEqual(['session.started', 'agenda.guidance_set', 'item.started']);
    expect(memberSeen.map((e) => e.event.type)).toEqual(['session.started', 'item.started']);
    // The member's chain skips the clinicians-only event: its prevSeq points at the member's last event.
    expect(memberSeen[1]!.prevSeq).toBe(memberSeen[0]!.seq);
    // ...and the member's numbers run on without a hole where the clinicians-only event was.
    expect(memberSeen[1]!.seq).toBe(memberSeen[0]!.seq + 1);
    expect(bSeen[2]!.prevSeq).toBe(bSeen[1]!.seq);
    expect(JSON.stringify(memberSeen)).not.toContain('Watch for avoidance');
  });

  it('answers a retried command id once, and the supervisor and member may not command', async () => {
    const session = await scheduleSession(fx.server.url, fx.cookies.a);
    const token = await joinAsMember(fx.server.url, session, 'River');
    const [a, sup, member] = await Promise.all([open({ cookie: fx.cookies.a }), open({ cookie: fx.cookies.supervisor }), open({ token })]);
    for (const s of [a, sup, member]) expect((await emitAck(s, 'join', { sessionId: session.id })).ok).toBe(true);
    const first = await emitAck(a, 'command', { sessionId: session.id, id: 'start-1', command: { type: 'session.start' } });
    const retry = await emitAck(a, 'command', { sessionId: session.id, id: 'start-1', command: { type: 'session.start' } });
    expect(first).toMatchObject({ ok: true, duplicate: false });
    expect(retry).toMatchObject({ ok: true, duplicate: true, seq: first.ok ? first.seq : -1 });
    for (const s of [sup, member]) {
      const r = await emitAck(s, 'command', { sessionId: session.id, id: 'x', command: { type: 'item.start', itemId: 'a1' } });
      expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    const view = (await emitAck(a, 'join', { sessionId: session.id })) as Extract<JoinResult, { mode: 'snapshot' }>;
    expect(view.state.currentItemId).toBeNull();
    expect(view.state.status).toBe('live');
  });

  it('audits who opened which board, once per connection, never what it holds', async () => {
    const session = await scheduleSession(fx.server.url, fx.cookies.a);
    const sup = await open({ cookie: fx.cookies.supervisor });
    const first = await emitAck(sup, 'join', { sessionId: session.id });
    await emitAck(sup, 'join', { sessionId: session.id, lastSeq: first.ok ? first.seq : 0 });
    const rows = await fx.server.db.query<{ actor_role: string; action: string; target: string }>(
      `select actor_role, action, target from audit_log where action = 'board.open' and target = $1`,
      [session.id]
    );
    expect(rows).toEqual([{ actor_role: 'supervisor', action: 'board.open', target: session.id }]);
  });

  it('resumes a client from its last seq with only the events it missed', async () => {
    const session = await scheduleSession(fx.server.url, fx.cookies.a);
    const token = await joinAsMember(fx.server.url, session, 'Cedar');
    const a = await open({ cookie: fx.cookies.a });
    const member = await open({ token });
    const joined = await emitAck(member, 'join', { sessionId: session.id });
    if (!joined.ok) throw new Error('join failed');
    member.close();
    await emitAck(a, 'join', { sessionId: session.id });
    await emitAck(a, 'command', { sessionId: session.id, id: 'r1', command: { type: 'session.start' } });
    await emitAck(a, 'command', { sessionId: session.id, id: 'r2', command: { type: 'agenda.set_guidance', itemId: 'a1', guidance: 'g' } });
    await emitAck(a, 'command', { sessionId: session.id, id: 'r3', command: { type: 'item.next' } });
    const again = await open({ token });
    const resumed = await emitAck(again, 'join', { sessionId: session.id, lastSeq: joined.seq });
    expect(resumed, JSON.stringify(resumed)).toMatchObject({ ok: true, mode: 'resume' });
    if (!resumed.ok || resumed.mode !== 'resume') return;
    expect(resumed.events.map((e) => e.event.type)).toEqual(['session.started', 'item.started']);
    // Members count only what they may see: the clinicians-only guidance leaves no hole in their numbers.
    expect(resumed.seq).toBe(joined.seq + 2);
    expect(resumed.events.map((e) => [e.prevSeq, e.seq])).toEqual([
      [joined.seq, joined.seq + 1],
      [joined.seq + 1, joined.seq + 2]
    ]);
  });
});
