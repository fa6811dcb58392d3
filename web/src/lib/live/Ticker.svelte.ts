import { createSubscriber } from 'svelte/reactivity';

/**
 * A reactive "now" that advances every `intervalMs` while something reads it. Timers are derived
 * from event times, so the page ticks locally and nothing ticks over the wire; the interval only
 * runs while a component that reads `now` is mounted.
 */
export class Ticker {
  readonly #subscribe: () => void;

  constructor(intervalMs = 250) {
    this.#subscribe = createSubscriber((update) => {
      const handle = setInterval(update, intervalMs);
      return () => clearInterval(handle);
    });
  }

  /** The local clock in epoch ms; reading it inside an effect or template re-runs it on each tick. */
  get now(): number {
    this.#subscribe();
    return Date.now();
  }
}
