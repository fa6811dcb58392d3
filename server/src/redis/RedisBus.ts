import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { errorMessage, type Logger } from '../log.ts';

/** The longest wait between two reconnection attempts: Redis back means us back within this. */
export const RECONNECT_MAX_DELAY_MS = 2000;

/** A node-redis client as Hearth uses it (standalone Redis; Redis Cluster speaks the same commands). */
export type RedisClient = ReturnType<typeof createClient>;

/**
 * A node-redis client that can never crash the process: it has an error listener (without one a lost
 * connection throws), logs an outage once when it begins and once when it ends, and reconnects
 * forever, backing off to at most RECONNECT_MAX_DELAY_MS. `failFast` refuses commands while Redis is
 * away rather than queueing them (publishing and presence: a backlog would only be stale). Not yet
 * connected: the caller (or RedisBus.open) calls connect().
 */
export function redisClient(url: string, name: string, logger: Logger | undefined, options: { failFast: boolean }): RedisClient {
  const client = createClient({
    url,
    name: `hearth-${name}`,
    disableOfflineQueue: options.failFast,
    socket: { connectTimeout: 5000, reconnectStrategy: (retries: number) => Math.min((retries + 1) * 200, RECONNECT_MAX_DELAY_MS) }
  });
  let down = false;
  client.on('error', (e: unknown) => {
    if (!down) logger?.error('redis connection error', { client: name, error: errorMessage(e) });
    down = true;
  });
  client.on('ready', () => {
    if (down) logger?.info('redis connection restored', { client: name });
    down = false;
  });
  return client;
}

/** What arrives on a channel: the payload another instance published. */
export type BusHandler = (payload: Buffer) => void;

/** Where a channel lives: classic pub/sub reaches every node; sharded channels (Redis 7) one shard. */
export type ChannelKind = 'global' | 'sharded';

/**
 * The one way instances talk through Redis: one command connection (publishes, and presence's
 * scripts; it fails fast while Redis is away) and one subscriber, routing by channel to one handler
 * each. Every name gets the deployment's prefix, so deployments sharing a Redis never hear each other.
 * Each message carries the publishing instance's id in its first 16 bytes and an instance never
 * hears itself. Nothing is queued while Redis is down: modules that must catch up do it when
 * `onUp` says both connections are (back) up. Per-session channels are sharded, so an instance
 * that subscribes only to the sessions it serves runs unchanged on Redis Cluster.
 */
export class RedisBus {
  /** This instance's id, the first 16 bytes of every message it publishes. */
  readonly instance = randomBytes(16);
  private readonly handlers = new Map<string, BusHandler>();
  private readonly upListeners: (() => void)[] = [];
  private stopped = false;

  constructor(
    readonly clients: { readonly commands: RedisClient; readonly subscriber: RedisClient },
    private readonly options: { readonly prefix: string; readonly logger: Logger }
  ) {
    // Either connection up while the other is: catch up. The subscriber's 'ready' comes after its
    // subscriptions are restored, so what is published from then on is heard.
    const maybeUp = () => {
      if (this.up) for (const l of this.upListeners) l();
    };
    clients.commands.on('ready', maybeUp);
    clients.subscriber.on('ready', maybeUp);
  }

  /** Connects to `url`: the two connections, connecting in the background (Redis only degrades, never blocks a start). */
  static open(url: string, options: { prefix: string; logger: Logger }): RedisBus {
    const bus = new RedisBus(
      { commands: redisClient(url, 'commands', options.logger, { failFast: true }), subscriber: redisClient(url, 'subscriber', options.logger, { failFast: false }) },
      options
    );
    for (const client of [bus.clients.commands, bus.clients.subscriber]) {
      client.connect().catch((e: unknown) => options.logger.error('redis connect failed', { error: errorMessage(e) }));
    }
    return bus;
  }

  /** A name under the deployment's prefix. */
  name(channel: string): string {
    return `${this.options.prefix}${channel}`;
  }

  /** Both connections are up. */
  get up(): boolean {
    return this.clients.commands.isReady && this.clients.subscriber.isReady;
  }

  /** Whether a publish would be sent now (the command connection is up). */
  get canPublish(): boolean {
    return this.clients.commands.isReady;
  }

  /**
   * Runs `listener` each time both connections become up: the first time, and again after either was
   * down. Whatever was published meanwhile was dropped; this is when to catch up.
   */
  onUp(listener: () => void): void {
    this.upListeners.push(listener);
  }

  /** Sends to every other instance subscribed to `channel`. Dropped while Redis is down (answers false). */
  publish(channel: string, payload: Uint8Array | string, kind: ChannelKind = 'global'): boolean {
    if (!this.canPublish) return false;
    const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
    const message = Buffer.concat([this.instance, body]);
    const name = this.name(channel);
    const sent = kind === 'sharded' ? this.clients.commands.sPublish(name, message) : this.clients.commands.publish(name, message);
    sent.catch((e: unknown) => this.options.logger.debug('redis publish failed', { channel, error: errorMessage(e) }));
    return true;
  }

  /**
   * Hears `channel` (one handler per channel) until unsubscribed; resolves once Redis has confirmed
   * the subscription. While Redis is down it resolves when the connection is back.
   */
  async subscribe(channel: string, handler: BusHandler, kind: ChannelKind = 'global'): Promise<void> {
    const name = this.name(channel);
    if (this.handlers.has(name)) throw new Error(`${channel} already has a handler`);
    this.handlers.set(name, handler);
    const listener = (message: Buffer) => {
      if (message.length < 16 || message.subarray(0, 16).equals(this.instance)) return;
      try {
        this.handlers.get(name)?.(message.subarray(16));
      } catch (e) {
        this.options.logger.error('bus handler failed', { channel, error: errorMessage(e) });
      }
    };
    const { subscriber } = this.clients;
    await (kind === 'sharded' ? subscriber.sSubscribe(name, listener, true) : subscriber.subscribe(name, listener, true));
  }

  /** Stops hearing `channel`. */
  async unsubscribe(channel: string, kind: ChannelKind = 'global'): Promise<void> {
    const name = this.name(channel);
    if (!this.handlers.delete(name)) return;
    const { subscriber } = this.clients;
    const done = (kind === 'sharded' ? subscriber.sUnsubscribe(name) : subscriber.unsubscribe(name)).catch(() => undefined);
    // While Redis is away the unsubscription waits for the connection: nothing to wait for here
    // (the handler is gone, so whatever still arrives is dropped).
    if (subscriber.isReady) await done;
  }

  /** How many connections (instances) are subscribed to `channel` right now. */
  async subscribers(channel: string, kind: ChannelKind = 'global'): Promise<number> {
    const reply = await this.clients.commands.sendCommand(['PUBSUB', kind === 'sharded' ? 'SHARDNUMSUB' : 'NUMSUB', this.name(channel)]);
    return Array.isArray(reply) ? Number(reply[1]) : 0;
  }

  /** Whether `channel` has a handler here. */
  hears(channel: string): boolean {
    return this.handlers.has(this.name(channel));
  }

  async close(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.handlers.clear();
    // A connection that is up closes after its pending replies; one that is down (reconnecting, or
    // never connected) has nothing to wait for and is dropped.
    await Promise.all(
      [this.clients.commands, this.clients.subscriber].map(async (c) => {
        if (c.isReady) await c.close().catch(() => undefined);
        else if (c.isOpen) c.destroy();
      })
    );
  }
}
