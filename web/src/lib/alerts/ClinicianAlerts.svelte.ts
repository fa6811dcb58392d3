import { BOARD_NAMESPACE, type ClientToServerEvents, type CrisisAlert, type ServerToClientEvents } from '@hearth/shared';
import { io, type Socket } from 'socket.io-client';
import { hearthApi } from '../api/hearthApi.ts';

/**
 * A signed-in clinician's crisis alerts on any Hearth page: a socket of its own that joins no session
 * (the server sends `alert` to all of a clinician's sockets), caught up from /api/alerts when it opens
 * and after each reconnect. A new open alert also raises a system notification when the person allowed
 * them and the page is not in front.
 */
export class ClinicianAlerts {
  #alerts = $state<Record<string, CrisisAlert>>({});
  #connected = $state(false);
  #socket: Socket<ServerToClientEvents, ClientToServerEvents> | null = null;
  /** Flags already announced by a notification, so a catch-up does not announce them again. */
  #announced = new Set<string>();

  /** Alerts not resolved, oldest first; open ones before acknowledged ones. */
  get alerts(): CrisisAlert[] {
    return Object.values(this.#alerts)
      .filter((a) => a.state !== 'resolved')
      .sort((a, b) => (a.state === b.state ? a.raisedAt.localeCompare(b.raisedAt) : a.state === 'open' ? -1 : 1));
  }

  /** Whether alerts reach this page live (else they are as of the last catch-up). */
  get connected(): boolean {
    return this.#connected;
  }

  open(): void {
    if (this.#socket) return;
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(BOARD_NAMESPACE, { transports: ['websocket'], withCredentials: true, forceNew: true });
    this.#socket = socket;
    socket.on('connect', () => {
      this.#connected = true;
      void this.#catchUp();
    });
    socket.on('disconnect', () => (this.#connected = false));
    socket.on('alert', (alert) => this.#take(alert));
    // Signed out or expired: nothing more comes here (the page's lock or sign-in takes over).
    socket.on('revoked', () => this.close());
    socket.on('connect_error', (e: Error & { data?: { code?: string; retryAfterMs?: number } }) => {
      if (e.data?.code === 'UNAUTHENTICATED') this.close();
      // Refused for now (too many connections from this address): Socket.IO does not retry a refusal itself.
      else if (e.data?.code === 'RATE_LIMITED') setTimeout(() => this.#socket?.connect(), (e.data.retryAfterMs ?? 5000) + Math.random() * 2000);
    });
  }

  close(): void {
    this.#socket?.close();
    this.#socket = null;
    this.#connected = false;
  }

  async #catchUp(): Promise<void> {
    try {
      const { alerts } = await hearthApi.alerts();
      const open = new Set(alerts.map((a) => a.flagId));
      // What the answer no longer lists was resolved (or its session ended) while this page was away.
      for (const id of Object.keys(this.#alerts)) if (!open.has(id)) delete this.#alerts[id];
      for (const alert of alerts) this.#take(alert);
    } catch {
      // The next reconnect tries again; live alerts still arrive meanwhile.
    }
  }

  #take(alert: CrisisAlert): void {
    this.#alerts[alert.flagId] = alert;
    if (alert.state === 'open' && !this.#announced.has(alert.flagId)) {
      this.#announced.add(alert.flagId);
      notify(alert);
    }
  }
}

/** A system notification for a new crisis, when allowed and the page is not what the person is looking at. */
function notify(alert: CrisisAlert): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted' || document.visibilityState === 'visible') return;
  const title = 'Crisis flag in a live session';
  const options: NotificationOptions = { body: `${alert.groupName}: open the board.`, tag: `crisis-${alert.flagId}`, requireInteraction: true, data: { url: alert.path } };
  // Through the service worker when there is one (its notifications open the board when clicked).
  void navigator.serviceWorker?.getRegistration().then((reg) => {
    if (reg) return reg.showNotification(title, options);
    const n = new Notification(title, options);
    n.onclick = () => {
      window.focus();
      window.location.assign(alert.path);
    };
  });
}
