import type { StateStore } from '@argus/core';
import type { Role } from './roles.js';
import { hashPassword, type PasswordHash, type ScryptParams, verifyPassword } from './secret-hash.js';

/** A local user as listed (never the hash). */
export interface UserInfo {
  readonly name: string;
  readonly role: Role;
  readonly createdAt: number;
}

interface UserRecord extends UserInfo {
  readonly password: PasswordHash;
}

const PREFIX = 'server/user/';
/** Names that are safe in state keys, logs and audit entries. */
export const USER_NAME: RegExp = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/** Local users with scrypt-hashed passwords, kept in the state store. */
export class Users {
  constructor(
    private readonly state: StateStore,
    private readonly scrypt: ScryptParams | undefined = undefined,
  ) {}

  /** Adds or replaces a user. Throws naming the field when the name or password is unusable. */
  async put(name: string, password: string, role: Role, now: number): Promise<UserInfo> {
    if (!USER_NAME.test(name))
      throw new TypeError(
        `user name: must be 1-64 letters, digits, '.', '_', '@' or '-', got ${JSON.stringify(name)}`,
      );
    if (password.length < 12) throw new TypeError('password: must be at least 12 characters');
    const rec: UserRecord = {
      name,
      role,
      createdAt: now,
      password: await hashPassword(password, this.scrypt),
    };
    await this.state.put(PREFIX + name, rec);
    return info(rec);
  }

  async list(): Promise<UserInfo[]> {
    const out: UserInfo[] = [];
    for (const key of await this.state.list(PREFIX)) {
      const r = await this.state.get<UserRecord>(key);
      if (r) out.push(info(r));
    }
    return out;
  }

  async remove(name: string): Promise<boolean> {
    if (!USER_NAME.test(name) || !(await this.state.get(PREFIX + name))) return false;
    await this.state.delete(PREFIX + name);
    return true;
  }

  /** The user when name and password match; a missing user costs a hash too, so timing does not tell. */
  async verify(name: string, password: string): Promise<UserInfo | undefined> {
    const rec = USER_NAME.test(name) ? await this.state.get<UserRecord>(PREFIX + name) : undefined;
    if (!rec) {
      await hashPassword(password, this.scrypt);
      return undefined;
    }
    return (await verifyPassword(password, rec.password)) ? info(rec) : undefined;
  }
}

function info({ password: _p, ...rest }: UserRecord): UserInfo {
  return rest;
}

/**
 * Adds (or replaces) a local user in a server's state store, e.g. the first admin (`argus users add --admin`).
 * Throws naming the field when the name or password is unusable.
 */
export function addUser(
  state: StateStore,
  user: { name: string; password: string; role: Role; now?: number },
): Promise<UserInfo> {
  return new Users(state).put(user.name, user.password, user.role, user.now ?? Date.now());
}

/** The local users in a server's state store (names and roles, never the hashes), e.g. to create a first admin. */
export function listUsers(state: StateStore): Promise<UserInfo[]> {
  return new Users(state).list();
}
