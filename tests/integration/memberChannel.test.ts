import type { EventMessage, JoinResult } from '@hearth/shared';
import { describe, expect, it } from 'vitest';
import type { BoardClient } from '../support/boardClient.ts';
import { emitAck, recordEvents } from '../support/boardClient.ts';
import { useServerFixture } from '../support/serverFixture.ts';
import { joinAsMember, scheduleSession } from '../support/testServer.ts';
import { waitFor } from '../support/wait.ts';

type Joined = Extract<JoinResult, { ok: true }>;

/**
 * The channel for one member alone: a resource shared privately with Maple reaches both of Maple's
 * devices and no other member's frames, while every member's shared numbering runs on without a hole.
 */
describe('a member\'s own channel', () => {
  const fx = useServerFixture();
  const open = fx.open;

  /** Every frame a socket receives, whatever its name, as the member's device would see it. */
  const frames = (socket: BoardClient) => {
    const seen: { name: string; payload: unknown }[] = [];
    socket.onAny((name: string, payload: unknown) => seen.push({ name, payload }));
    return seen;
  };
  const privates = (socket: BoardClient) => {
    const seen: EventMessage[] = [];
    socket.on('private', (m) => seen.push(m));
    return seen;
  };

  it('reaches that member\'s two connections and no other member, and no member\'s shared numbering has a hole', async () => {
    const session = await scheduleSession(fx.server.url, fx.cookies.a);
    const [maple, river, sparrow] = await Promise.all(['Maple', 'River', 'Sparrow'].map((alias) => joinAsMember(fx.server.url, session, alias)));
    const a = await open({ cookie: fx.cookies.a });
    // One device per member: the member's two connections are two tabs of their one admitted device.
    const phone = await open({ token: maple! });
    const laptop = await open({ token: maple! });
    const others = [await open({ token: river! }), await open({ token: sparrow! })];
    const members = [phone, laptop, ...others];
    const everything = members.map(frames);
    const shared = members.map(recordEvents);
    const own = members.map(privates);
    const joins = (await Promise.all([a, ...members].map((s) => emitAck(s, 'join', { sessionId: session.id })))) as Joined[];
    expect(joins.every((j) => j.ok)).toBe(true);
    // Members' join answers carry their private position: nothing private yet.
    for (const j of joins.slice(1)) expect(j.private).toEqual({ seq: 0, events: [] });

    const roster = (joins[0] as Extract<Joined, { mode: 'snapshot' }>).state.roster;
    const mapleId = roster.find((r) => r.alias === 'Maple')!.memberId;
    const cmd = (id: string, command: unknown) => emitAck(a, 'command', { sessionId: session.id, id, command });
    const secret = 'The plan we made for Friday';
    expect((await cmd('s1', { type: 'session.start' })).ok).toBe(true);
    expect((await cmd('p1', { type: 'resource.share', shareId: 'p1', title: 'For Maple', body: secret, url: null, memberId: mapleId })).ok).toBe(true);
    expect((await cmd('g1', { type: 'resource.share', shareId: 'g1', title: 'For everyone', body: 'Call or text 988', url: null })).ok).toBe(true);
    expect((await cmd('p2', { type: 'resource.share', shareId: 'p2', title: 'For Maple again', body: 'A second note', url: null, memberId: mapleId })).ok).toBe(true);
    expect((await cmd('i1', { type: 'item.start', itemId: 'a1' })).ok).toBe(true);

    // Maple's devices: both private events, numbered 1, 2 in Maple's own numbering.
    await waitFor(() => own[0]!.length === 2 && own[1]!.length === 2, 5000, 'the private events on both of Maple\'s devices');
    for (const device of own.slice(0, 2)) {
      expect(device.map((m) => [m.seq, m.prevSeq, m.event.type])).toEqual([
        [1, 0, 'resource.shared_privately'],
        [2, 1, 'resource.shared_privately']
      ]);
    }
    // Every member: the shared events, and no hole in the shared numbering where the private ones were.
    await waitFor(() => shared.every((s) => s.some((m) => m.event.type === 'item.started')), 5000, 'the shared events everywhere');
    for (const s of shared) {
      expect(s.map((m) => m.event.type)).toEqual(['session.started', 'resource.shared', 'item.started']);
      s.forEach((m, n) => n > 0 && expect(m.prevSeq).toBe(s[n - 1]!.seq));
      expect(s.map((m) => m.seq)).toEqual([s[0]!.seq, s[0]!.seq + 1, s[0]!.seq + 2]);
    }
    // The other members received nothing of it: no private message, not a word of it in any frame.
    for (const [n, f] of everything.slice(2).entries()) {
      expect(own[n + 2]).toEqual([]);
      expect(f.some((x) => x.name === 'private')).toBe(false);
      expect(JSON.stringify(f)).not.toContain(secret);
      expect(JSON.stringify(f)).not.toContain('For Maple');
    }
    // Positive control: the secret did travel, to Maple.
    expect(JSON.stringify(everything[0])).toContain(secret);

    // Views: a fresh join shows Maple both, the others only the group's.
    const rejoin = (s: BoardClient) => emitAck(s, 'join', { sessionId: session.id }) as Promise<Extract<Joined, { mode: 'snapshot' }>>;
    expect((await rejoin(laptop)).state.resources.map((r) => r.shareId)).toEqual(['p1', 'g1', 'p2']);
    expect((await rejoin(others[0]!)).state.resources.map((r) => r.shareId)).toEqual(['g1']);
    // A resume from private position 1 brings Maple exactly what she missed of her own stream.
    const resumed = (await emitAck(phone, 'join', { sessionId: session.id, lastSeq: shared[0]!.at(-1)!.seq, lastPrivateSeq: 1 })) as Joined;
    expect(resumed).toMatchObject({ mode: 'resume', private: { seq: 2 } });
    expect(resumed.private?.events.map((m) => [m.seq, m.event.type])).toEqual([[2, 'resource.shared_privately']]);
  });
});
