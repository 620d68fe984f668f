import { randomBytes } from 'node:crypto';
import type { Clock, StateStore } from '@argus/core';
import type { Role } from './roles.js';
import { randomSecret, sameSecret, sha256 } from './secret-hash.js';

/** An API token as listed: never the token itself, which is shown once when made. */
export interface TokenInfo {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly createdAt: number;
  readonly createdBy: string;
}

interface TokenRecord extends TokenInfo {
  readonly hash: string;
}

const PREFIX = 'server/token/';
const SHAPE = /^argus_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** API tokens for machines: `argus_<id>_<secret>`, stored as the SHA-256 of the secret. */
export class Tokens {
  private readonly byId = new Map<string, TokenRecord>();

  constructor(
    private readonly state: StateStore,
    private readonly clock: Clock,
  ) {}

  async load(): Promise<void> {
    for (const key of await this.state.list(PREFIX)) {
      const r = await this.state.get<TokenRecord>(key);
      if (r) this.byId.set(r.id, r);
    }
  }

  /** Makes a token; the returned `token` is the only time the secret exists outside the caller. */
  async create(name: string, role: Role, createdBy: string): Promise<TokenInfo & { token: string }> {
    const id = randomBytes(8).toString('hex');
    const secret = randomSecret(32);
    const rec: TokenRecord = { id, name, role, createdAt: this.clock.now(), createdBy, hash: sha256(secret) };
    await this.state.put(PREFIX + id, rec);
    this.byId.set(id, rec);
    return { ...info(rec), token: `argus_${id}_${secret}` };
  }

  list(): TokenInfo[] {
    return [...this.byId.values()].map(info);
  }

  /** Revokes a token; `false` when there is none with that id. */
  async revoke(id: string): Promise<boolean> {
    if (!this.byId.delete(id)) return false;
    await this.state.delete(PREFIX + id);
    return true;
  }

  /** The token's record when `token` is valid. */
  verify(token: string): TokenInfo | undefined {
    const m = SHAPE.exec(token);
    if (!m) return undefined;
    const rec = this.byId.get(m[1]!);
    return rec && sameSecret(rec.hash, sha256(m[2]!)) ? info(rec) : undefined;
  }
}

function info({ hash: _h, ...rest }: TokenRecord): TokenInfo {
  return rest;
}
