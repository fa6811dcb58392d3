/**
 * Which browser origins may talk to this server. Browsers always send Origin on WebSocket upgrades
 * and cross-site POSTs, so a wrong Origin is refused; a missing one comes from a non-browser client,
 * which cannot be riding a visitor's cookie.
 */
export class Origins {
  private allowed: ReadonlySet<string>;

  constructor(configured: readonly string[] | null) {
    this.allowed = new Set(configured ?? []);
  }

  /** With no PUBLIC_ORIGIN, the server's own localhost addresses, once its port is known. */
  useDefaults(port: number): void {
    if (this.allowed.size > 0) return;
    this.allowed = new Set([`http://localhost:${port}`, `http://127.0.0.1:${port}`, `http://[::1]:${port}`]);
  }

  allows(origin: string | undefined): boolean {
    return origin === undefined || this.allowed.has(origin);
  }

  /** Whether cookies should be marked Secure: every allowed origin is https. */
  get secure(): boolean {
    return [...this.allowed].every((o) => o.startsWith('https://'));
  }

  list(): string[] {
    return [...this.allowed];
  }
}
