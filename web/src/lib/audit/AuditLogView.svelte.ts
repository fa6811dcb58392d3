import type { AuditEntryView, AuditPage, AuditVerification } from '@hearth/shared';
import { ApiError } from '../api/ApiError.ts';
import { hearthApi } from '../api/hearthApi.ts';

/**
 * The audit log page's state: the entries shown so far (newest first, older pages appended on
 * request) and the last check of the chain. Errors are kept as text for the page to announce.
 */
export class AuditLogView {
  #entries = $state<AuditEntryView[]>([]);
  #nextBefore = $state<string | null>(null);
  #loading = $state(false);
  #verifying = $state(false);
  #verification = $state<AuditVerification | null>(null);
  #error = $state('');

  constructor(first: AuditPage) {
    this.#entries = [...first.entries];
    this.#nextBefore = first.nextBefore;
  }

  get entries(): readonly AuditEntryView[] {
    return this.#entries;
  }
  get hasMore(): boolean {
    return this.#nextBefore !== null;
  }
  get loading(): boolean {
    return this.#loading;
  }
  get verifying(): boolean {
    return this.#verifying;
  }
  get verification(): AuditVerification | null {
    return this.#verification;
  }
  get error(): string {
    return this.#error;
  }

  /** Appends the next, older page. */
  async loadMore(): Promise<void> {
    if (!this.#nextBefore || this.#loading) return;
    this.#loading = true;
    this.#error = '';
    try {
      const page = await hearthApi.auditLog({ before: this.#nextBefore });
      this.#entries = [...this.#entries, ...page.entries];
      this.#nextBefore = page.nextBefore;
    } catch (e) {
      this.#error = ApiError.messageOf(e, 'Could not load older entries.');
    } finally {
      this.#loading = false;
    }
  }

  /** Walks the chain on the server and keeps what it found. */
  async verify(): Promise<void> {
    if (this.#verifying) return;
    this.#verifying = true;
    this.#error = '';
    try {
      this.#verification = await hearthApi.verifyAudit();
    } catch (e) {
      this.#error = ApiError.messageOf(e, 'Could not verify the chain.');
    } finally {
      this.#verifying = false;
    }
  }
}
