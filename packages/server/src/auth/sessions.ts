import type { Clock, StateStore } from '@argus/core';
import type { Role } from './roles.js';
import { randomSecret, sha256 } from './secret-hash.js';

/** A login session as kept server-side (keyed by the SHA-256 of its cookie value). */
export interface Session {
  readonly user: string;
  readonly role: Role;
  /** The CSRF token a state-changing request of this session must carry in `x-csrf-token`. */
  readonly csrf: string;
  readonly expiresAt: number;
}

const PREFIX = 'server/session/';

/** Cookie sessions, durable in the state store, so logout and expiry hold across restarts. */
export class Sessions {
  private readonly cache = new Map<string, Session>();

  constructor(
    private readonly state: StateStore,
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  async create(user: string, role: Role): Promise<{ id: string; session: Session }> {
    const id = randomSecret(32);
    const session: Session = { user, role, csrf: randomSecret(24), expiresAt: this.clock.now() + this.ttlMs };
    const key = sha256(id);
    this.cache.set(key, session);
    await this.state.put(PREFIX + key, session);
    return { id, session };
  }

  /** The live session of a cookie value, or `undefined` (unknown, ended or expired). */
  async get(id: string): Promise<Session | undefined> {
    const key = sha256(id);
    const s = this.cache.get(key) ?? (await this.state.get<Session>(PREFIX + key));
    if (!s) return undefined;
    if (s.expiresAt <= this.clock.now()) {
      await this.end(id);
      return undefined;
    }
    this.cache.set(key, s);
    return s;
  }

  async end(id: string): Promise<void> {
    const key = sha256(id);
    this.cache.delete(key);
    await this.state.delete(PREFIX + key);
  }
}
