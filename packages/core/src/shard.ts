// Sharding by jump consistent hash (Lamping & Veach, "A Fast, Minimal Memory, Consistent Hash Algorithm", 2014):
// going from N to N+1 shards moves only about 1/(N+1) of the keys, all of them to the new shard, where Prometheus's
// `hashmod` moves most keys. Used for what a replica owns (scrape targets, series, cloud resources); 64-bit
// arithmetic in BigInt, which costs nothing at these call rates (once per target or resource per poll).

import { z } from 'zod';

/** Which share of the keys a replica owns: `index` in `[0, total)`. */
export interface Shard {
  readonly index: number;
  readonly total: number;
}

const MASK64 = (1n << 64n) - 1n;
const utf8 = new TextEncoder();

/** FNV-1a 64-bit of the UTF-8 bytes of `key`, as an unsigned BigInt. */
export function hashKey(key: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (const byte of utf8.encode(key)) h = ((h ^ BigInt(byte)) * 0x100000001b3n) & MASK64;
  return h;
}

/**
 * Jump consistent hash: the bucket in `[0, buckets)` of a 64-bit key.
 * @example
 * jumpHash(hashKey('http://10.0.0.7:9100/metrics'), 3) // 0, 1 or 2; the same on every replica
 */
export function jumpHash(key: bigint, buckets: number): number {
  if (!Number.isInteger(buckets) || buckets < 1)
    throw new RangeError(`jumpHash: buckets must be an integer ≥ 1, got ${buckets}`);
  let k = key & MASK64;
  let b = -1;
  let j = 0;
  while (j < buckets) {
    b = j;
    k = (k * 2862933555777941757n + 1n) & MASK64;
    j = Math.floor((b + 1) * (2 ** 31 / (Number(k >> 33n) + 1)));
  }
  return b;
}

/** Whether `shard` owns `key` (a stable identity: a target URL, a resource id, a series fingerprint). */
export function ownsKey(shard: Shard, key: string): boolean {
  return shard.total === 1 || jumpHash(hashKey(key), shard.total) === shard.index;
}

/**
 * The shard of a Kubernetes StatefulSet pod: its ordinal, the number after the last `-` of its hostname
 * (`argus-2` → index 2). Throws naming the fix when the hostname has none or the ordinal is out of range.
 */
export function shardFromHostname(hostname: string | undefined, total: number, who: string): Shard {
  const m = /-(\d+)$/.exec(hostname ?? '');
  if (!m) {
    throw new Error(
      `${who}: shard.index is not set and HOSTNAME (${JSON.stringify(hostname ?? '')}) has no StatefulSet ordinal (name-<n>); set shard.index`,
    );
  }
  const index = Number(m[1]);
  if (index >= total)
    throw new Error(`${who}: StatefulSet ordinal ${index} from HOSTNAME is not below shard.total (${total})`);
  return { index, total };
}

/** The `shard` option of a plugin that owns a share of its keys: `index` defaults to the StatefulSet ordinal. */
export interface ShardOption {
  /** This replica, in `[0, total)`. @default the ordinal of HOSTNAME (`argus-2` → 2) */
  index?: number;
  /** Number of replicas. */
  total: number;
}

/** Schema of {@link ShardOption}, for plugins' option schemas. */
export const shardOptionSchema: z.ZodType<{ index?: number | undefined; total: number }, ShardOption> = z
  .strictObject({
    index: z.number().int().nonnegative().optional().describe('This replica; default: HOSTNAME ordinal'),
    total: z.number().int().positive().describe('Number of replicas'),
  })
  .refine((s) => s.index === undefined || s.index < s.total, {
    message: 'shard.index must be below shard.total',
    path: ['index'],
  });
