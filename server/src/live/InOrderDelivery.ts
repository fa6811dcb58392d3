import type { BundleMessage, EventBundle } from './ports.ts';

export type { EventBundle };



interface SessionOrder {
  /** The last seq delivered to this instance's sockets. */
  last: number;
  /** Bundles that arrived before the ones they follow, by afterSeq. */
  readonly pending: Map<number, EventBundle>;
  timer: NodeJS.Timeout | null;
}

/** How long a bundle waits for the ones before it before it is delivered anyway (measured: cross-instance relay takes ms). */
const HOLD_MS = 1000;
const MAX_PENDING = 500;
const MAX_SESSIONS = 10_000;

/**
 * Hands each session's events to this instance's sockets in seq order. Several instances append to one
 * session; without this, an instance's own event would overtake the one before it still travelling
 * through Redis from another instance, and clients would see false gaps and resync for nothing. A
 * bundle that arrives early waits for the ones before it. If they never come (Redis lost them, or their
 * instance died between commit and publish) it is delivered after HOLD_MS: clients then see the gap in
 * prevSeq and resync from the log, as the protocol says.
 */
export class InOrderDelivery {
  private readonly sessions = new Map<string, SessionOrder>();

  constructor(private readonly deliver: (sessionId: string, message: BundleMessage) => void) {}

  /**
   * This instance has read a session's log up to `seq` (and its sockets joined at or after it): where
   * delivery starts for a session it has not delivered anything of yet.
   */
  caughtUp(sessionId: string, seq: number): void {
    if (!this.sessions.has(sessionId)) this.track(sessionId, seq);
  }

  /** A bundle from this instance or another: delivered now, held until its predecessors come, or dropped if already delivered. */
  receive(bundle: EventBundle): void {
    const order = this.sessions.get(bundle.sessionId) ?? this.track(bundle.sessionId, bundle.afterSeq);
    if (bundle.seq <= order.last) return;
    if (bundle.afterSeq > order.last) {
      order.pending.set(bundle.afterSeq, bundle);
      if (order.pending.size > MAX_PENDING) this.deliverHeld(order);
      else order.timer ??= setTimeout(() => this.deliverHeld(order), HOLD_MS).unref();
      return;
    }
    this.emit(bundle, order);
    this.drain(order);
  }

  /** Stops the timers (server shutdown). */
  close(): void {
    for (const order of this.sessions.values()) if (order.timer) clearTimeout(order.timer);
    this.sessions.clear();
  }

  private track(sessionId: string, last: number): SessionOrder {
    const order: SessionOrder = { last, pending: new Map(), timer: null };
    this.sessions.set(sessionId, order);
    if (this.sessions.size > MAX_SESSIONS) {
      const [oldestId, oldest] = this.sessions.entries().next().value ?? [];
      if (oldestId !== undefined && oldest) {
        this.deliverHeld(oldest);
        this.sessions.delete(oldestId);
      }
    }
    return order;
  }

  private emit(bundle: EventBundle, order: SessionOrder): void {
    for (const m of bundle.messages) {
      if (m.at > order.last) this.deliver(bundle.sessionId, m);
    }
    order.last = bundle.seq;
    // Recently active sessions stay at the end of the map; the oldest is evicted first.
    this.sessions.delete(bundle.sessionId);
    this.sessions.set(bundle.sessionId, order);
  }

  /** Delivers the held bundles that now follow on. */
  private drain(order: SessionOrder): void {
    for (const [afterSeq, bundle] of [...order.pending].sort(([a], [b]) => a - b)) {
      if (afterSeq > order.last) break;
      order.pending.delete(afterSeq);
      if (bundle.seq > order.last) this.emit(bundle, order);
    }
    // Progress was made: whatever is still held waits afresh for its own predecessors.
    if (order.timer) clearTimeout(order.timer);
    order.timer = order.pending.size > 0 ? setTimeout(() => this.deliverHeld(order), HOLD_MS).unref() : null;
  }

  /** Gives up waiting: delivers what is held, in order, leaving the gap for clients to see and resync. */
  private deliverHeld(order: SessionOrder): void {
    if (order.timer) clearTimeout(order.timer);
    order.timer = null;
    for (const [, bundle] of [...order.pending].sort(([a], [b]) => a - b)) {
      if (bundle.seq > order.last) this.emit(bundle, order);
    }
    order.pending.clear();
  }
}
