import type { CrisisNotice, PushSubscriptionBody } from '@hearth/shared';
import webpush from 'web-push';
import { errorMessage, type Logger } from '../log.ts';
import type { Db } from '../store/Db.ts';

/** The server's VAPID identity: browsers' push services accept messages signed with it. */
export interface VapidKeys {
  readonly publicKey: string;
  readonly privateKey: string;
  readonly subject: string;
}

/** How long a push service keeps trying a device: a crisis alert older than this is no help. */
const TTL_SECONDS = 10 * 60;
const SEND_TIMEOUT_MS = 5000;

/**
 * Crisis alerts to clinicians' devices by Web Push (RFC 8030/8291/8292): the subscriptions their
 * browsers registered, and the encrypted, VAPID-signed message to each. The payload is a
 * CrisisNotice: where and when, nothing clinical.
 */
export class PushAlerts {
  constructor(
    private readonly db: Db,
    readonly vapid: VapidKeys,
    private readonly logger: Logger
  ) {}

  /** Generates a VAPID key pair (kept in the database when the configuration names none). */
  static newKeys(): { publicKey: string; privateKey: string } {
    return webpush.generateVAPIDKeys();
  }

  async save(accountId: string, sub: PushSubscriptionBody): Promise<void> {
    // A device that changed hands (another clinician signed in on it) now alerts its new user only.
    await this.db.query(
      `insert into push_subscriptions (endpoint, account_id, p256dh, auth) values ($1, $2, $3, $4)
       on conflict (endpoint) do update set account_id = excluded.account_id, p256dh = excluded.p256dh, auth = excluded.auth, created_at = now()`,
      [sub.endpoint, accountId, sub.keys.p256dh, sub.keys.auth]
    );
  }

  async remove(accountId: string, endpoint: string): Promise<void> {
    await this.db.query('delete from push_subscriptions where account_id = $1 and endpoint = $2', [accountId, endpoint]);
  }

  /** Sends the notice to every device of these clinicians; a device its push service no longer knows is forgotten. */
  async send(accountIds: readonly string[], notice: CrisisNotice): Promise<void> {
    if (accountIds.length === 0) return;
    const subs = await this.db.query<{ endpoint: string; p256dh: string; auth: string }>(
      'select endpoint, p256dh, auth from push_subscriptions where account_id = any($1::uuid[])',
      [accountIds]
    );
    await Promise.all(subs.map((sub) => this.sendOne(sub, JSON.stringify(notice))));
  }

  private async sendOne(sub: { endpoint: string; p256dh: string; auth: string }, payload: string): Promise<void> {
    try {
      // The library encrypts (aes128gcm) and signs (VAPID); the request goes out on fetch, with a timeout.
      const request = webpush.generateRequestDetails({ endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } }, payload, {
        vapidDetails: this.vapid,
        TTL: TTL_SECONDS,
        urgency: 'high',
        contentEncoding: 'aes128gcm'
      });
      const res = await fetch(request.endpoint, {
        method: request.method,
        headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)])),
        body: request.body === null ? null : new Uint8Array(request.body),
        signal: AbortSignal.timeout(SEND_TIMEOUT_MS)
      });
      if (res.status === 404 || res.status === 410) {
        await this.db.query('delete from push_subscriptions where endpoint = $1', [sub.endpoint]);
      } else if (!res.ok) {
        this.logger.error('push alert refused', { status: res.status, host: new URL(sub.endpoint).host });
      }
    } catch (e) {
      this.logger.error('push alert failed', { host: new URL(sub.endpoint).host, error: errorMessage(e) });
    }
  }
}
