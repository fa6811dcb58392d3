import { CrisisAlert, type BoardEvent, type CrisisNotice, type Flag } from '@hearth/shared';
import { errorMessage, type Logger } from '../log.ts';
import type { RedisBus } from '../redis/RedisBus.ts';
import type { Db } from '../store/Db.ts';
import type { Groups } from '../store/Groups.ts';
import type { BoardService } from '../live/BoardService.ts';
import type { EventBundle } from '../live/ports.ts';
import type { PushAlerts } from './PushAlerts.ts';

/** The bus channel of crisis alerts: each instance hands them to the clinicians' sockets it holds. */
const ALERT_CHANNEL = 'crisis-alerts';
const WEBHOOK_TIMEOUT_MS = 5000;

/** One alert for some clinicians, as it crosses instances. */
interface AlertParcel {
  readonly accountIds: readonly string[];
  readonly alert: CrisisAlert;
}

const isParcel = (v: unknown): v is AlertParcel =>
  typeof v === 'object' && v !== null && 'accountIds' in v && Array.isArray(v.accountIds) && 'alert' in v && CrisisAlert.safeParse(v.alert).success;

const stateOf = (flag: Flag): CrisisAlert['state'] => (flag.resolved ? 'resolved' : flag.acknowledged ? 'acknowledged' : 'open');

/** A crisis flag as an alert: where and since when, never what. */
const alertOf = (flag: Flag, session: { id: string; groupName: string; title: string }): CrisisAlert => ({
  flagId: flag.id,
  sessionId: session.id,
  groupName: session.groupName,
  sessionTitle: session.title,
  state: stateOf(flag),
  raisedAt: new Date(flag.raisedAt).toISOString(),
  path: `/sessions/${session.id}`
});

/**
 * A crisis reaches every clinician of the group wherever they are in Hearth, not only those at its
 * board: an `alert` on each of their sockets (every instance, through the bus), a push message to
 * each device they subscribed, and the organization's paging webhook. Alerts follow the flag: raised,
 * acknowledged, resolved (which clears every banner). Only the instance that appended the event sends
 * them, once.
 */
export class CrisisAlerts {
  constructor(
    private readonly deps: {
      db: Db;
      groups: Groups;
      board: BoardService;
      bus: RedisBus | null;
      push: PushAlerts;
      /** Hands an alert to this instance's sockets of these clinicians. */
      toClinicians: (accountIds: readonly string[], alert: CrisisAlert) => void;
      /** The server's public origin, for links in push messages and the webhook. */
      origin: () => string;
      webhookUrl: string | null;
      logger: Logger;
    }
  ) {
    void deps.bus?.subscribe(ALERT_CHANNEL, (payload) => {
      let parcel: unknown;
      try {
        parcel = JSON.parse(payload.toString());
      } catch {
        parcel = null;
      }
      if (isParcel(parcel)) deps.toClinicians(parcel.accountIds, parcel.alert);
      else deps.logger.error('malformed crisis alert on redis', { length: payload.length });
    });
  }

  /** Looks at what one command appended (on the instance that appended it) for crisis flags that changed. */
  observe(bundle: EventBundle): void {
    const flagIds = new Set<string>();
    let raised = false;
    for (const { role, message } of bundle.messages) {
      if (role !== 'facilitator') continue;
      const e: BoardEvent = message.event;
      if (e.type === 'flag.raised' && e.severity === 'crisis') {
        flagIds.add(e.flagId);
        raised = true;
      } else if (e.type === 'flag.acknowledged' || e.type === 'flag.resolved') {
        flagIds.add(e.flagId);
      }
    }
    if (flagIds.size === 0) return;
    this.send(bundle.sessionId, flagIds, raised).catch((e: unknown) => this.deps.logger.error('crisis alert failed', { error: errorMessage(e) }));
  }

  private async send(sessionId: string, flagIds: ReadonlySet<string>, raised: boolean): Promise<void> {
    const { groups, board, bus, push, toClinicians, webhookUrl } = this.deps;
    const session = await groups.session(sessionId);
    if (!session) return;
    const flags = (await board.crisisFlags(sessionId)).filter((f) => flagIds.has(f.id));
    if (flags.length === 0) return;
    const staff = (await groups.staff(session.groupId)).map((s) => s.id);
    for (const flag of flags) {
      const alert = alertOf(flag, session);
      toClinicians(staff, alert);
      bus?.publish(ALERT_CHANNEL, JSON.stringify({ accountIds: staff, alert } satisfies AlertParcel));
    }
    if (!raised) return;
    const notice: CrisisNotice = { type: 'crisis-flag', severity: 'crisis', sessionUrl: `${this.deps.origin()}/sessions/${sessionId}`, at: new Date(flags[0]!.raisedAt).toISOString() };
    // The raiser is at the board: their devices stay quiet.
    const raisers = new Set(flags.map((f) => f.raisedBy));
    await Promise.all([push.send(staff.filter((id) => !raisers.has(id)), notice), webhookUrl ? this.page(webhookUrl, notice) : undefined]);
  }

  private async page(url: string, notice: CrisisNotice): Promise<void> {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(notice),
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS)
      });
      if (!res.ok) this.deps.logger.error('alert webhook refused', { status: res.status });
    } catch (e) {
      this.deps.logger.error('alert webhook failed', { error: errorMessage(e) });
    }
  }

  /** The unresolved crisis flags in live sessions of the clinician's groups, for a page that just opened. */
  async open(accountId: string): Promise<CrisisAlert[]> {
    const sessions = await this.deps.db.query<{ id: string; title: string; group_name: string }>(
      `select s.id, s.title, g.name as group_name from sessions s
         join groups g on g.id = s.group_id
         join group_staff st on st.group_id = g.id and st.account_id = $1
        where s.status = 'live' order by s.id`,
      [accountId]
    );
    const alerts: CrisisAlert[] = [];
    for (const s of sessions) {
      for (const flag of await this.deps.board.crisisFlags(s.id)) {
        if (!flag.resolved) alerts.push(alertOf(flag, { id: s.id, groupName: s.group_name, title: s.title }));
      }
    }
    return alerts;
  }
}
