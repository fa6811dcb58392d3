import { z } from 'zod';
import type { RouteSpec } from '../api.ts';
import { Id, UtcDateTime, type Frozen } from '../roles.ts';
import type { CrisisProtocol } from './types.ts';

/**
 * A crisis flag as it reaches a clinician away from its board: which session, since when, and
 * whether a colleague has taken it up. No note, no member: what happened is on the board.
 */
export const CrisisAlert = z
  .object({
    flagId: Id,
    sessionId: Id,
    groupName: z.string(),
    sessionTitle: z.string(),
    state: z.enum(['open', 'acknowledged', 'resolved']).describe('`open` until a colleague (or, after the wait, the raiser) acknowledges it; `resolved` clears it.'),
    raisedAt: UtcDateTime,
    path: z.string().describe('The board\'s path on this server, e.g. `/sessions/<id>`.')
  })
  .strict();
export type CrisisAlert = Frozen<z.infer<typeof CrisisAlert>>;

/**
 * What a paging system (ALERT_WEBHOOK_URL) and a device's push notification receive: enough to act
 * on, nothing clinical — no group, no member, no note.
 */
export const CrisisNotice = z
  .object({
    type: z.literal('crisis-flag'),
    severity: z.literal('crisis'),
    sessionUrl: z.string().url(),
    at: UtcDateTime
  })
  .strict();
export type CrisisNotice = z.infer<typeof CrisisNotice>;

/** A browser's push subscription, as PushSubscription.toJSON() gives it. */
export const PushSubscriptionBody = z
  .object({
    endpoint: z
      .string()
      .url()
      .max(1000)
      .refine((u) => {
        const { protocol, hostname } = new URL(u);
        return protocol === 'https:' || (protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(hostname));
      }, 'a push endpoint is an https URL'),
    expirationTime: z.number().nullable().optional(),
    keys: z.object({ p256dh: z.string().min(20).max(200), auth: z.string().min(8).max(100) }).strict()
  })
  .strict();
export type PushSubscriptionBody = z.infer<typeof PushSubscriptionBody>;

export const PushEndpointBody = z.object({ endpoint: z.string().url().max(1000) }).strict();

/** The routes of crisis reach: open alerts for the signed-in clinician, and their devices' push subscriptions. */
export const ALERT_ROUTES = {
  alerts: {
    method: 'get', path: '/api/alerts', tag: 'alerts', auth: 'clinician',
    summary: 'Crisis flags not yet resolved in the live sessions of the groups the clinician works in, for any page to show (live updates arrive as the socket\'s `alert`).',
    description: 'Pages ask this when they open and after their socket reconnects, with `x-hearth-background: 1` so that it does not count as the person\'s activity.',
    responses: { 200: z.object({ alerts: z.array(CrisisAlert) }).strict() },
    errors: []
  },
  pushKey: {
    method: 'get', path: '/api/push/key', tag: 'alerts', auth: 'clinician',
    summary: 'The server\'s VAPID public key, for a browser to subscribe to crisis alerts by push.',
    responses: { 200: z.object({ publicKey: z.string() }).strict() },
    errors: []
  },
  savePushSubscription: {
    method: 'put', path: '/api/push/subscription', tag: 'alerts', auth: 'clinician',
    summary: 'Receive crisis alerts on this device by Web Push: the payload says only that a crisis flag was raised, where and when.',
    body: PushSubscriptionBody,
    responses: { 204: null },
    errors: []
  },
  deletePushSubscription: {
    method: 'delete', path: '/api/push/subscription', tag: 'alerts', auth: 'clinician',
    summary: 'Stop push alerts to one device of the signed-in clinician.',
    body: PushEndpointBody,
    responses: { 204: null },
    errors: []
  }
} as const satisfies Record<string, RouteSpec>;

/** Resource ids of the stock national lines: a protocol with only these has no local contact. */
const STOCK_RESOURCES = new Set(['988', 'emergency', 'crisis-text']);

/** A resource entry older protocols carried in place of a number: never shown in a crisis. */
export const isPlaceholderResource = (r: { contact: string }) => /set your organi[sz]ation.s number/i.test(r.contact);

/**
 * What a crisis protocol lacks that a clinician needs in a crisis, in words for the settings and home
 * pages (a live crisis never shows a placeholder: it is flagged here instead).
 */
export function protocolGaps(protocol: { readonly resources: readonly { readonly id: string; readonly contact: string }[] }): string[] {
  const local = protocol.resources.filter((r) => !STOCK_RESOURCES.has(r.id) && !isPlaceholderResource(r));
  return local.length === 0
    ? ['Your crisis protocol has no local contact: add your on-call clinician\u2019s or local crisis team\u2019s number under Settings \u2192 Crisis protocol.']
    : [];
}

/** How long a raiser waits for a colleague before acknowledging their own flag, unless the protocol says otherwise. */
export const SOLO_ACKNOWLEDGE_DEFAULT_SECONDS = 60;
export const soloAcknowledgeSeconds = (protocol: Pick<CrisisProtocol, 'soloAcknowledgeAfterSeconds'>) => protocol.soloAcknowledgeAfterSeconds ?? SOLO_ACKNOWLEDGE_DEFAULT_SECONDS;
