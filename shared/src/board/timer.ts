import type { AgendaItem } from './state.ts';

/** A timer as a person reads it: time spent, time left, and time over the plan. */
export interface Timer {
  readonly elapsedMs: number;
  readonly plannedMs: number;
  readonly remainingMs: number;
  readonly overrunMs: number;
  readonly running: boolean;
}

/**
 * Derives an item's timer at `now` (epoch ms, the server's clock as the client estimates it).
 * Clamped so a skewed or backward clock never yields negative elapsed time.
 */
export function timerOf(item: AgendaItem, now: number): Timer {
  const run = item.runningSince === null ? 0 : Math.max(0, now - item.runningSince);
  const elapsedMs = Math.max(0, item.accumulatedMs + run);
  const plannedMs = (item.plannedMinutes + item.extendedMinutes) * 60_000;
  const remainingMs = Math.max(0, plannedMs - elapsedMs);
  return {
    elapsedMs,
    plannedMs,
    remainingMs,
    overrunMs: Math.max(0, elapsedMs - plannedMs),
    running: item.runningSince !== null
  };
}

/** Formats milliseconds as m:ss (or h:mm:ss past an hour). */
export function formatDuration(ms: number): string {
  const total = Math.floor(Math.max(0, ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
