import { readdirSync, readFileSync } from 'node:fs';
import { createClient } from 'redis';

/*
 * What a benchmark counts of the machine it shares with the services: this process's CPU, the whole
 * machine's, PostgreSQL's and Redis's (all on this machine, read from /proc).
 */

/** Linux's clock ticks per second (USER_HZ), the unit of /proc/stat's and /proc/<pid>/stat's CPU times. */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used. */
export function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** The CPU seconds this process (the load client) has used. */
export const benchCpuSeconds = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};


/** The CPU seconds every core of the machine has been busy (not idle or waiting on I/O), from /proc/stat. */
export function machineCpuSeconds(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is in user already)
  const busy = [0, 1, 2, 5, 6, 7].reduce((sum, i) => sum + (fields[i] ?? 0), 0);
  return busy / TICKS_PER_SECOND;
}

/**
 * A counter of the CPU seconds PostgreSQL's processes have used, that never goes back: each process
 * counts with what it had used when last seen, so a backend that exits during the window (another
 * client of the shared server disconnecting) does not take its earlier CPU out of the difference, as
 * a plain sum over the processes alive at each end would (it can go negative so).
 */
export function postgresCounter(): () => number {
  const seen = new Map<number, number>();
  return () => {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') seen.set(Number(entry), cpuSeconds(Number(entry)));
      } catch {
        // gone meanwhile
      }
    }
    let total = 0;
    for (const used of seen.values()) total += used;
    return total;
  };
}

/**
 * The redis-server behind `url`: null if it does not answer, else its process id if it runs on this
 * machine (its /proc readable) so that its CPU can be counted.
 */
export async function redisServer(url: string): Promise<{ readonly pid: number | null } | null> {
  const client = createClient({ url, socket: { connectTimeout: 2000, reconnectStrategy: false } });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const pid = Number(/process_id:(\d+)/.exec(await client.info('server'))?.[1]);
    try {
      return { pid: readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'redis-server' ? pid : null };
    } catch {
      return { pid: null };
    }
  } catch {
    return null;
  } finally {
    if (client.isOpen) await client.close();
  }
}
