import { ErrorCode, type Command, type CommandResult } from '@hearth/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CommandOutbox, type CommandChannel, type OutboxLink, type SendOutcome } from '../../web/src/lib/live/CommandOutbox.svelte.ts';

const START: Command = { type: 'session.start' };
const ok = (seq = 1): CommandResult => ({ ok: true, seq, serverTime: 1000, duplicate: false });
const refused = (code: ErrorCode): CommandResult => ({ ok: false, error: { code, message: code } });

/** A link whose socket answers each attempt with the next scripted answer ('drop' = no answer). */
function link(answers: (CommandResult | 'drop')[], opts: { ready?: boolean } = {}) {
  const sent: { id: string; command: Command }[] = [];
  const said: string[] = [];
  const state = { ready: opts.ready ?? true, resyncs: 0 };
  const channel: CommandChannel = {
    emit: async (id, command) => {
      sent.push({ id, command });
      const answer = answers.shift() ?? 'drop';
      if (answer === 'drop') throw new Error('timeout');
      return answer;
    },
    get connected() {
      return true;
    }
  };
  const l: OutboxLink = {
    ready: () => state.ready,
    joined: () => state.ready,
    channel: () => channel,
    say: (m) => said.push(m),
    updateOffset: () => undefined,
    resync: () => void state.resyncs++,
    later: (fn, ms) => void setTimeout(fn, ms)
  };
  return { link: l, sent, said, state };
}

describe('CommandOutbox', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('sends a command at once when ready and settles it with the answer', async () => {
    const { link: l, sent } = link([ok()]);
    const outbox = new CommandOutbox(l);
    await expect(outbox.send(START)).resolves.toEqual({ ok: true, duplicate: false });
    expect(sent).toHaveLength(1);
    expect(outbox.pendingCount).toBe(0);
  });

  it('retries a transient refusal and a missing answer with the same id, so the server applies it once', async () => {
    const { link: l, sent, state } = link([refused(ErrorCode.BUSY), 'drop', refused(ErrorCode.NOT_JOINED), ok()]);
    const outbox = new CommandOutbox(l);
    const outcome = outbox.send(START);
    await vi.runAllTimersAsync();
    await expect(outcome).resolves.toEqual({ ok: true, duplicate: false });
    expect(sent).toHaveLength(4);
    expect(new Set(sent.map((s) => s.id)).size).toBe(1);
    // NOT_JOINED asks the link to join again before the retry.
    expect(state.resyncs).toBe(1);
  });

  it('gives a final refusal to the person once, and does not retry it', async () => {
    const { link: l, sent, said } = link([refused(ErrorCode.ITEM_NOT_CURRENT)]);
    const outcome = await new CommandOutbox(l).send(START);
    expect(outcome).toEqual({ ok: false, error: { code: ErrorCode.ITEM_NOT_CURRENT, message: ErrorCode.ITEM_NOT_CURRENT } });
    expect(sent).toHaveLength(1);
    expect(said).toEqual([ErrorCode.ITEM_NOT_CURRENT]);
  });

  it('stops after five unanswered attempts with NO_ANSWER', async () => {
    const { link: l, sent } = link(['drop', 'drop', 'drop', 'drop', 'drop', 'drop']);
    const outcome = new CommandOutbox(l).send(START);
    await vi.runAllTimersAsync();
    await expect(outcome).resolves.toMatchObject({ ok: false, error: { code: 'NO_ANSWER' } });
    expect(sent).toHaveLength(5);
  });

  it('keeps commands while not joined, sends them once joined, and drops one that waited over two minutes', async () => {
    const { link: l, sent, state } = link([ok(), ok()]);
    const outbox = new CommandOutbox(l);
    state.ready = false;
    const stale = outbox.send(START);
    vi.advanceTimersByTime(121_000);
    const fresh = outbox.send({ type: 'item.next' });
    expect(sent).toHaveLength(0);
    expect(outbox.pendingCount).toBe(2);
    state.ready = true;
    outbox.sendWaiting();
    await expect(stale).resolves.toMatchObject({ ok: false, error: { code: 'EXPIRED' } });
    await expect(fresh).resolves.toEqual({ ok: true, duplicate: false });
    expect(sent.map((s) => s.command.type)).toEqual(['item.next']);
  });

  it('settles everything waiting when the connection ends', async () => {
    const { link: l, state } = link([]);
    state.ready = false;
    const outbox = new CommandOutbox(l);
    const waiting: Promise<SendOutcome>[] = [outbox.send(START), outbox.send({ type: 'item.next' })];
    outbox.settleAll({ ok: false, error: { code: 'CLOSED', message: 'closed' } });
    for (const w of waiting) await expect(w).resolves.toMatchObject({ ok: false, error: { code: 'CLOSED' } });
    expect(outbox.pendingCount).toBe(0);
  });
});
