// Opening the state store a run keeps what it learns in: the file store under the data directory, or Redis when the
// config's `pipeline.state.redis` says so (its package loaded only then).
import { join, resolve } from 'node:path';
import { type Logger, openStateStore, type StateStore } from '@argus/core';
import { importOptional } from './config/resolve.js';
import type { StateSettings } from './config/state-settings.js';

/** A state store, with `close()` when it holds a connection. */
export type OpenedState = StateStore & { close?: () => Promise<void> };

/** Opens `settings`' store (Redis), or the file store in `<dataDir>/state`. */
export async function openState(
  settings: StateSettings | undefined,
  o: { dataDir: string; configDir: string; log: Logger },
): Promise<OpenedState> {
  if (!settings) return openStateStore({ dir: join(o.dataDir, 'state'), log: o.log });
  const mod = await importOptional('@argus/state-redis', o.configDir, 'pipeline.state.redis');
  const { url, keyPrefix, passwordFile } = settings.redis;
  const make = mod['redisStateStore'] as (opts: Record<string, unknown>) => OpenedState;
  return make({
    url,
    ...(keyPrefix ? { keyPrefix } : {}),
    ...(passwordFile ? { passwordFile: resolve(o.configDir, passwordFile) } : {}),
    log: o.log,
  });
}

/** Ends the store's connection, if it holds one (Redis); the file store has nothing to close. */
export async function closeState(state: StateStore | undefined): Promise<void> {
  await (state as OpenedState | undefined)?.close?.();
}
