// The `shard:` block: which share of the keys this replica owns, resolved once at load and handed to the plugins
// that ask for it. In a StatefulSet the config is the same file on every pod (one ConfigMap), so the index comes
// from the pod (its HOSTNAME ordinal, or ARGUS_SHARD_INDEX) and the total from ARGUS_SHARD_TOTAL, which the sharded
// overlay copies from the StatefulSet's replica count.
import { type Shard, shardFromHostname } from '@argus/core';
import { z } from 'zod';

/** The `shard:` block. Options equal to `$shard` get `{ index, total }`; `${shard.index}` in a string is replaced. */
export interface ShardSettings {
  /** This replica. @default ARGUS_SHARD_INDEX, else the ordinal ending HOSTNAME (`argus-2` → 2) */
  index?: number | undefined;
  /** Number of replicas. @default ARGUS_SHARD_TOTAL */
  total?: number | undefined;
}

/** Schema of {@link ShardSettings}. */
export const shardSettingsSchema: z.ZodType<ShardSettings> = z.strictObject({
  index: z.number().int().nonnegative().optional(),
  total: z.number().int().positive().optional(),
});

/** The environment variables read when the block leaves a field out. */
export const SHARD_ENV = { index: 'ARGUS_SHARD_INDEX', total: 'ARGUS_SHARD_TOTAL' } as const;

type Env = Readonly<Record<string, string | undefined>>;

function envInt(env: Env, name: string): number | undefined {
  const v = env[name];
  if (v === undefined || v === '') return undefined;
  if (!/^\d+$/.test(v)) throw new Error(`${name} must be a whole number, got ${JSON.stringify(v)}`);
  return Number(v);
}

/** Resolves the block against the environment; throws naming the missing field and how to set it. */
export function resolveShard(s: ShardSettings, env: Env): Shard {
  const total = s.total ?? envInt(env, SHARD_ENV.total);
  if (total === undefined || total < 1)
    throw new Error(`total is not set: set shard.total or the ${SHARD_ENV.total} environment variable (≥ 1)`);
  const index = s.index ?? envInt(env, SHARD_ENV.index);
  if (index === undefined) return shardFromHostname(env['HOSTNAME'], total, 'shard');
  if (index >= total) throw new Error(`index ${index} is not below total ${total}`);
  return { index, total };
}

const TOKEN = '$shard';
const FIELD = /\$\{shard\.(index|total)\}/g;
const HAS_FIELD = /\$\{shard\.(index|total)\}/;

// options are plain data (YAML or JSON-like), so a copy with the tokens replaced is enough
function substitute(v: unknown, shard: Shard | undefined, used: { any: boolean }): unknown {
  if (typeof v === 'string') {
    if (v === TOKEN) {
      used.any = true;
      return shard ? { ...shard } : v;
    }
    if (!HAS_FIELD.test(v)) return v;
    used.any = true;
    return shard ? v.replace(FIELD, (_m, f: 'index' | 'total') => String(shard[f])) : v;
  }
  if (Array.isArray(v)) return v.map((x) => substitute(x, shard, used));
  if (typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype)
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, substitute(x, shard, used)]));
  return v;
}

type Lists = 'sources' | 'processors' | 'detectors' | 'alerters' | 'sinks';
/** What {@link applyShard} reads and rewrites of a config (no import of the config's module: no cycle). */
type Shardable = {
  shard?: ShardSettings | undefined;
  pipeline?: { state?: unknown } | undefined;
} & Record<Lists, { options?: Record<string, unknown> | undefined }[]>;

/**
 * Replaces `$shard` and `${shard.index}`/`${shard.total}` in every entry's options with this replica's shard.
 * A token without a `shard:` block, or a block that cannot be resolved here, is a problem at its path.
 */
export function applyShard(
  config: Shardable,
  env: Env = process.env,
): { path: (string | number)[]; message: string }[] {
  let shard: Shard | undefined;
  if (config.shard) {
    try {
      shard = resolveShard(config.shard, env);
    } catch (err) {
      return [{ path: ['shard'], message: (err as Error).message }];
    }
  }
  const issues: { path: (string | number)[]; message: string }[] = [];
  for (const list of ['sources', 'processors', 'detectors', 'alerters', 'sinks'] satisfies Lists[]) {
    for (const [i, e] of config[list].entries()) {
      if (!e.options) continue;
      const used = { any: false };
      e.options = substitute(e.options, shard, used) as Record<string, unknown>;
      if (used.any && !shard)
        issues.push({
          path: [list, i, 'options'],
          message: `uses ${TOKEN} or \${shard.index}, but the config has no shard: block (add shard: {} to read ${SHARD_ENV.total} and HOSTNAME)`,
        });
    }
  }
  // the state's key prefix is per replica too (`argus:${shard.index}:`)
  const state = config.pipeline?.state;
  if (state !== undefined) {
    const used = { any: false };
    config.pipeline!.state = substitute(state, shard, used);
    if (used.any && !shard)
      issues.push({
        path: ['pipeline', 'state'],
        message: `uses \${shard.index}, but the config has no shard: block`,
      });
  }
  return issues;
}
