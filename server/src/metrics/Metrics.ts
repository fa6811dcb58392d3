import type { CommandResult } from '@hearth/shared';
import type { RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Append, BoardLog, Transaction } from '../live/ports.ts';

/** What the metrics read when scraped: counts only, never an id, a name or clinical content. */
export interface MetricsSources {
  /** Open board sockets by the role they hold (`none` before joining a session). */
  socketsByRole(): Record<string, number>;
  /** Connections this instance keeps in presence. */
  presenceConnections(): number;
  /** Whether Redis is 'ok', 'down' or 'off'. */
  redis(): 'ok' | 'down' | 'off';
  /** Whether the database is known to answer. */
  database(): boolean;
}

const LATENCY_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/**
 * The instance's figures in the Prometheus text format, served at /metrics when METRICS is on:
 * commands by outcome, append and fan-out latency, open sockets by role, presence size, Redis and
 * PostgreSQL health, and the process's own (CPU, heap, event-loop lag). Labels are fixed words.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly commands = new Counter({ name: 'hearth_commands_total', help: 'Board commands answered, by outcome.', labelNames: ['outcome'] as const, registers: [this.registry] });
  private readonly commandSeconds = new Histogram({ name: 'hearth_command_seconds', help: 'Time from a command\'s arrival to its answer.', buckets: LATENCY_BUCKETS, registers: [this.registry] });
  private readonly appendSeconds = new Histogram({ name: 'hearth_append_seconds', help: 'Time to append one command\'s events to the log (its commit).', buckets: LATENCY_BUCKETS, registers: [this.registry] });
  private readonly fanoutSeconds = new Histogram({
    name: 'hearth_fanout_seconds',
    help: 'Time from a command\'s decision to its event being handed to this instance\'s sockets (local or from another instance).',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry]
  });

  constructor(sources: MetricsSources) {
    collectDefaultMetrics({ register: this.registry, prefix: 'hearth_' });
    new Gauge({
      name: 'hearth_open_sockets', help: 'Open board sockets, by role.', labelNames: ['role'] as const, registers: [this.registry],
      collect() {
        this.reset();
        for (const [role, n] of Object.entries(sources.socketsByRole())) this.set({ role }, n);
      }
    });
    new Gauge({ name: 'hearth_presence_connections', help: 'Connections this instance keeps in presence.', registers: [this.registry], collect() { this.set(sources.presenceConnections()); } });
    new Gauge({ name: 'hearth_redis_up', help: '1 when Redis is up, 0 when down; absent without Redis.', registers: [this.registry], collect() {
      const state = sources.redis();
      this.reset();
      if (state !== 'off') this.set(state === 'ok' ? 1 : 0);
    } });
    new Gauge({ name: 'hearth_database_up', help: '1 while PostgreSQL answers, 0 while it is known to be away.', registers: [this.registry], collect() { this.set(sources.database() ? 1 : 0); } });
  }

  /** One command answered: its outcome and how long it took. */
  command(result: CommandResult, seconds: number): void {
    const outcome = result.ok ? (result.duplicate ? 'duplicate' : 'ok') : result.error.code === 'UNAVAILABLE' || result.error.code === 'BUSY' ? 'unavailable' : 'refused';
    this.commands.inc({ outcome });
    this.commandSeconds.observe(seconds);
  }

  /** One event handed to this instance's sockets, decided at `at` (epoch ms). */
  delivered(at: number): void {
    this.fanoutSeconds.observe(Math.max(0, Date.now() - at) / 1000);
  }

  /** The log with its appends timed. */
  timed(log: BoardLog): BoardLog {
    const histogram = this.appendSeconds;
    return {
      get available() {
        return log.available;
      },
      get lastAnswerAt() {
        return log.lastAnswerAt;
      },
      since: (s, a) => log.since(s, a),
      memberSince: (s, a) => log.memberSince(s, a),
      privateSince: (s, m, a) => log.privateSince(s, m, a),
      findCommand: (s, c) => log.findCommand(s, c),
      append: async (input: Append, before?: (tx: Transaction) => Promise<void>) => {
        const end = histogram.startTimer();
        try {
          return await log.append(input, before);
        } finally {
          end();
        }
      }
    };
  }

  /** GET /metrics: with a token configured, only for `Authorization: Bearer <token>`. */
  handler(token: string | undefined): RequestHandler {
    return (req, res) => {
      if (token && req.get('authorization') !== `Bearer ${token}`) {
        res.status(401).type('text').send('unauthorized\n');
        return;
      }
      this.registry.metrics().then(
        (text) => void res.type(this.registry.contentType).send(text),
        () => void res.status(500).type('text').send('metrics unavailable\n')
      );
    };
  }
}
