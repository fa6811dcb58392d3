import { createClient } from 'redis';

/** A plain Redis connection for a test to look at what the server stored or subscribed (closed by the caller). */
export async function redisProbe(url: string) {
  const client = createClient({ url, socket: { reconnectStrategy: false } });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

export type RedisProbe = Awaited<ReturnType<typeof redisProbe>>;

/** How many connections Redis has from clients named `hearth-*` (the server's own). */
export async function hearthConnections(probe: RedisProbe): Promise<number> {
  const list = String(await probe.sendCommand(['CLIENT', 'LIST']));
  return list.split('\n').filter((line) => / name=hearth-/.test(line)).length;
}

/** Subscribers of a sharded channel. */
export async function shardSubscribers(probe: RedisProbe, channel: string): Promise<number> {
  const reply = (await probe.sendCommand(['PUBSUB', 'SHARDNUMSUB', channel])) as [string, number];
  return Number(reply[1]);
}

/** Closes a probe, whether or not its Redis is still there. */
export function dropProbe(probe: RedisProbe | null | undefined): void {
  if (probe?.isOpen) probe.destroy();
}
