import { readFileSync } from 'node:fs';
import { ArgusError, type Logger, parseOptions, type StateStore } from '@argus/core';
import { Redis, type RedisOptions } from 'ioredis';
import { z } from 'zod';

const schema = z.strictObject({
  url: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss:// (TLS)')
    .default('redis://127.0.0.1:6379')
    .describe('Where Redis listens: redis://[user:password@]host:port[/db], rediss:// for TLS'),
  keyPrefix: z
    .string()
    .min(1)
    .default('argus:')
    .describe(
      'Prefix of every key this store writes; give each replica (and each member of an HA pair) its own',
    ),
  password: z.string().optional().describe('Password (AUTH); prefer passwordFile or the URL from a secret'),
  passwordFile: z.string().optional().describe('File holding the password, read at start'),
  connectTimeoutMs: z.number().int().positive().default(10_000).describe('Deadline to connect'),
  commandTimeoutMs: z
    .number()
    .int()
    .positive()
    .default(10_000)
    .describe('Deadline of one get/put/delete/list, reconnection included'),
});

/** Options of {@link redisStateStore}. */
export interface RedisStateStoreOptions {
  /** `redis://[user:password@]host:port[/db]`, or `rediss://` for TLS. @default 'redis://127.0.0.1:6379' */
  url?: string;
  /**
   * Prefix of every key written. Replicas that must not share state (the two members of an HA pair, two shards)
   * each take their own, e.g. `argus:shard-0:a:`. @default 'argus:'
   */
  keyPrefix?: string;
  /** AUTH password; prefer `passwordFile` (read at start, never logged). */
  password?: string;
  passwordFile?: string;
  /** @default 10000 */
  connectTimeoutMs?: number;
  /** How long one operation may wait, including a reconnection to a restarting Redis. @default 10000 */
  commandTimeoutMs?: number;
  /** Where warnings go (e.g. Redis without an append-only file). @default none */
  log?: Logger;
}

/** A {@link StateStore} in Redis, with `close()` to end the connection. */
export interface RedisStateStore extends StateStore {
  /** Waits for the connection and checks the server's persistence; rejects when Redis cannot be reached. */
  ready(): Promise<void>;
  /** Ends the connection after pending commands. Idempotent. */
  close(): Promise<void>;
}

// sorted set of every key, all with score 0, so list(prefix) is an ordered range read (ZRANGEBYLEX) instead of a
// SCAN over the whole keyspace
const INDEX = '\u0000index';
const PAGE = 1000;

function checkKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > 400) {
    throw new ArgusError(
      'ERR_INVALID_ARGUMENT',
      `redisStateStore: state key must be a non-empty string of at most 400 characters, got ${JSON.stringify(key)}`,
    );
  }
}

function redact(url: string): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.toString().replace(/\/$/, '');
}

/**
 * Argus's state (detector baselines, alert states, silences, acks, notification log, outbox) in Redis, so a
 * restarted or replacement replica resumes where its predecessor stopped. Pass it as the pipeline's `state`.
 * A put is one MULTI/EXEC (the value and the key index together); it is as durable as the Redis server makes it:
 * run Redis with `appendonly yes` and `appendfsync always` for the file store's guarantee (a warning is logged
 * when the server says it keeps no append-only file). While Redis restarts, operations wait (up to
 * `commandTimeoutMs`) and run once it is back.
 * @example
 * const state = redisStateStore({ url: process.env.REDIS_URL, keyPrefix: `argus:${replica}:` });
 * const pipeline = createPipeline({ ..., state });
 */
export function redisStateStore(options: RedisStateStoreOptions = {}): RedisStateStore {
  const { log, ...rest } = options;
  const o = parseOptions(schema, rest, 'redisStateStore');
  if (o.password !== undefined && o.passwordFile !== undefined) {
    throw new ArgusError(
      'ERR_PLUGIN_OPTIONS',
      'redisStateStore: give password or passwordFile, not both (passwordFile keeps the secret out of the config)',
    );
  }
  const password = o.passwordFile !== undefined ? readFileSync(o.passwordFile, 'utf8').trim() : o.password;
  const redisOptions: RedisOptions = {
    lazyConnect: true,
    connectTimeout: o.connectTimeoutMs,
    // commands wait in the offline queue while Redis restarts; the deadline below bounds the wait
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    retryStrategy: (times) => Math.min(50 * 2 ** times, 2_000),
    ...(password !== undefined ? { password } : {}),
  };
  const client = new Redis(o.url, redisOptions);
  // ioredis emits 'error' on every failed reconnection; without a listener Node would throw it
  let lastError: Error | undefined;
  client.on('error', (err: Error) => {
    lastError = err;
  });
  const location = `${redact(o.url)} (${o.keyPrefix}*)`;
  const index = o.keyPrefix + INDEX;
  let connecting: Promise<void> | undefined;
  let closed = false;

  const fail = (what: string, err: unknown): ArgusError =>
    new ArgusError(
      'ERR_STATE_STORE',
      `redisStateStore ${location}: ${what} failed: ${(err as Error).message}` +
        (lastError && lastError !== err ? ` (last connection error: ${lastError.message})` : ''),
      { cause: err },
    );

  const connect = (): Promise<void> =>
    (connecting ??= (async () => {
      await client.connect();
      await warnWithoutAof(client, location, log);
    })().catch((err: unknown) => {
      connecting = undefined;
      client.disconnect();
      throw fail('connecting', err);
    }));

  async function run<T>(what: string, op: () => Promise<T>): Promise<T> {
    if (closed) throw new ArgusError('ERR_STATE_STORE', `redisStateStore ${location}: ${what} after close()`);
    await connect();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${o.commandTimeoutMs} ms`)),
        o.commandTimeoutMs,
      );
      timer.unref?.();
    });
    try {
      return await Promise.race([op(), deadline]);
    } catch (err) {
      throw fail(what, err);
    } finally {
      clearTimeout(timer);
    }
  }

  // the value and the key index together, in one MULTI/EXEC
  const putRaw = (key: string, chunks: readonly string[]): Promise<void> =>
    run(`put ${JSON.stringify(key)}`, async () => {
      const tx = client.multi().set(o.keyPrefix + key, chunks[0] ?? '');
      for (let i = 1; i < chunks.length; i++) tx.append(o.keyPrefix + key, chunks[i] as string);
      const res = await tx.zadd(index, 0, key).exec();
      for (const [err] of res ?? []) if (err) throw err;
    });

  return {
    location,
    ready: connect,
    async get<T>(key: string): Promise<T | undefined> {
      checkKey(key);
      const raw = await run(`get ${JSON.stringify(key)}`, () => client.get(o.keyPrefix + key));
      if (raw === null) return undefined;
      try {
        return JSON.parse(raw) as T;
      } catch (err) {
        throw fail(`reading ${JSON.stringify(key)} (not JSON: edited by hand?)`, err);
      }
    },
    async put(key: string, value: unknown): Promise<void> {
      checkKey(key);
      const raw = JSON.stringify(value);
      if (raw === undefined) {
        throw new ArgusError(
          'ERR_INVALID_ARGUMENT',
          `redisStateStore: the value of ${JSON.stringify(key)} is not JSON-serialisable`,
        );
      }
      await putRaw(key, [raw]);
    },
    // a large snapshot arrives already encoded (in slices, by core): SET then APPEND each chunk, never joined here
    async putJsonChunks(key: string, chunks: readonly string[]): Promise<void> {
      checkKey(key);
      await putRaw(key, chunks);
    },
    async delete(key: string): Promise<void> {
      await run(`delete ${JSON.stringify(key)}`, async () => {
        const res = await client
          .multi()
          .del(o.keyPrefix + key)
          .zrem(index, key)
          .exec();
        for (const [err] of res ?? []) if (err) throw err;
      });
    },
    async list(prefix = ''): Promise<string[]> {
      return run(`list ${JSON.stringify(prefix)}`, async () => {
        const out: string[] = [];
        // byte order from the prefix on; stop at the first key past it
        for (let offset = 0; ; offset += PAGE) {
          const page: string[] = await client.zrangebylex(index, `[${prefix}`, '+', 'LIMIT', offset, PAGE);
          for (const k of page) {
            if (!k.startsWith(prefix)) return out.sort();
            out.push(k);
          }
          if (page.length < PAGE) return out.sort();
        }
      });
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      if (client.status === 'wait' || client.status === 'end') {
        client.disconnect();
        return;
      }
      try {
        await client.quit();
      } catch {
        client.disconnect();
      }
    },
  };
}

// a Redis without an append-only file loses every put since its last RDB snapshot when it restarts
async function warnWithoutAof(client: Redis, location: string, log: Logger | undefined): Promise<void> {
  if (!log) return;
  try {
    const [, aof] = (await client.config('GET', 'appendonly')) as string[];
    if (aof === 'no') {
      log.warn(
        `redisStateStore ${location}: Redis runs without an append-only file (appendonly no), so a Redis restart ` +
          'loses the state written since its last snapshot; set appendonly yes (and appendfsync always for ' +
          'the file store’s guarantee)',
      );
    }
  } catch {
    // managed Redis often forbids CONFIG: nothing to check then
  }
}
