import type { Clock, Logger, StateStore } from '@argus/core';

/** What the audit log records. */
export type AuditAction =
  | 'login'
  | 'loginFailed'
  | 'logout'
  | 'ack'
  | 'unack'
  | 'silence'
  | 'expireSilence'
  | 'tokenCreate'
  | 'tokenRevoke'
  | 'userPut'
  | 'userRemove'
  | 'reload'
  | 'reloadFailed'
  | 'postAlerts'
  | 'analysisStart'
  | 'analysisCancel'
  | 'analysisForget';

/** One audit entry: who did what, when, from where. */
export interface AuditEntry {
  readonly seq: number;
  readonly at: number;
  readonly actor: string;
  readonly action: AuditAction;
  /** The client address. */
  readonly from: string;
  /** What it was done to: a fingerprint, a silence id, a user or token name. */
  readonly target?: string;
  /** A comment or a reason. */
  readonly detail?: string;
}

/** A query of {@link AuditLog.query}; every field narrows it. */
export interface AuditQuery {
  actor?: string;
  action?: AuditAction;
  /** ms since epoch, inclusive. */
  since?: number;
  /** ms since epoch, exclusive. */
  until?: number;
  /** Newest first, at most this many. @default 100 */
  limit?: number;
}

const PREFIX = 'server/audit/';
const MEMORY = 10_000;

/** The audit log: every entry written to the state store (one key each, ordered by sequence). */
export class AuditLog {
  private readonly entries: AuditEntry[] = [];
  private seq = 0;
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly state: StateStore,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  async load(): Promise<void> {
    const keys = await this.state.list(PREFIX);
    for (const key of keys.slice(-MEMORY)) {
      const e = await this.state.get<AuditEntry>(key);
      if (e) this.entries.push(e);
    }
    this.seq = this.entries.at(-1)?.seq ?? 0;
  }

  /** Records an entry; it is in the state store once {@link AuditLog.flushed} resolves. */
  add(e: Omit<AuditEntry, 'seq' | 'at'>): AuditEntry {
    const entry: AuditEntry = { seq: ++this.seq, at: this.clock.now(), ...e };
    this.entries.push(entry);
    if (this.entries.length > MEMORY) this.entries.shift();
    const key = `${PREFIX}${String(entry.seq).padStart(12, '0')}`;
    this.pending = this.pending
      .then(() => this.state.put(key, entry))
      .catch((err: Error) =>
        this.log.error(`server: writing audit entry ${entry.seq} failed: ${err.message}`),
      );
    return entry;
  }

  flushed(): Promise<void> {
    return this.pending;
  }

  query(q: AuditQuery = {}): AuditEntry[] {
    const out: AuditEntry[] = [];
    const limit = q.limit ?? 100;
    for (let i = this.entries.length - 1; i >= 0 && out.length < limit; i--) {
      const e = this.entries[i]!;
      if (q.actor !== undefined && e.actor !== q.actor) continue;
      if (q.action !== undefined && e.action !== q.action) continue;
      if (q.since !== undefined && e.at < q.since) continue;
      if (q.until !== undefined && e.at >= q.until) continue;
      out.push(e);
    }
    return out;
  }
}
