// Reading a config into a pipeline that has not started: for `argus validate`, `argus run` and its reloads.
import { resolve } from 'node:path';
import type { StateStore } from '@argus/core';
import type { Store } from '@argus/store';
import { type Built, buildPipeline, problem } from './config/build.js';
import { type LoadedConfig, loadConfig } from './config/load.js';
import type { ListName } from './config/schema.js';
import type { Io } from './format.js';
import type { ServerParts } from './run-server.js';
import { ioLogger } from './runtime.js';
import { openState } from './state-open.js';

/** A config read, checked and built (`pipeline` is there when there was no problem). */
export interface Prepared extends Built {
  file: string;
  loaded?: LoadedConfig;
  /** With a `server:` block: what the pipeline feeds for the server. */
  server?: ServerParts;
  state?: StateStore;
}

/** How {@link prepare} gets its state and store. */
export interface PrepareOptions {
  /** `'open'`: open `<dataDir>/state` (a run); a store: reuse it (a reload); none: no I/O (validate). */
  state?: 'open' | StateStore;
  /** The server's series store to keep across a reload. */
  store?: Store;
}

async function makeServerParts(
  loaded: LoadedConfig,
  io: Io,
  store: Store | undefined,
): Promise<{ server?: ServerParts; problems: string[] }> {
  const settings = loaded.config?.server;
  if (!settings) return { problems: [] };
  // the server's packages load only for a config that has a server: block
  const { ServerSettingError, serverParts } = await import('./run-server.js');
  try {
    return { server: await serverParts(settings, loaded.origin.dir, ioLogger(io), store), problems: [] };
  } catch (err) {
    if (!(err instanceof ServerSettingError))
      return { problems: [problem(loaded.origin, ['server'], (err as Error).message)] };
    return { problems: err.issues.map((i) => problem(loaded.origin, ['server', ...i.path], i.message)) };
  }
}

/** The data directory a config names (`pipeline.dataDir`), resolved. @default ./.argus */
export function dataDirOf(loaded: LoadedConfig): string {
  return resolve(loaded.config?.pipeline?.dataDir ?? '.argus');
}

/** Loads, checks and builds a config; starts nothing. */
export async function prepare(file: string, io: Io, o: PrepareOptions = {}): Promise<Prepared> {
  const loaded = await loadConfig(file);
  if (!loaded.config) return { file, problems: loaded.problems, counts: emptyCounts() };
  const parts = await makeServerParts(loaded, io, o.store);
  const problems = [...loaded.problems, ...parts.problems];
  // only a run touches the data directory; validate does no I/O beyond reading the config
  const state =
    o.state === 'open' && problems.length === 0
      ? await openState(loaded.config.pipeline?.state, {
          dataDir: dataDirOf(loaded),
          configDir: loaded.origin.dir,
          log: ioLogger(io),
        })
      : o.state === 'open'
        ? undefined
        : o.state;
  const built = await buildPipeline(loaded.config, loaded.origin, io, {
    state,
    problems,
    extraSources: parts.server?.sources ?? [],
    extraAlerters: parts.server?.alerters ?? [],
    extraSinks: parts.server?.sinks ?? [],
  });
  return {
    file,
    loaded,
    ...built,
    ...(parts.server ? { server: parts.server } : {}),
    ...(state ? { state } : {}),
  };
}

function emptyCounts(): Record<ListName, number> {
  return { sources: 0, processors: 0, detectors: 0, alerters: 0, sinks: 0 };
}

/** `2 sources, 1 sink`: what a config holds. */
export function summary(counts: Record<ListName, number>): string {
  return Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([list, n]) => `${n} ${n === 1 ? list.slice(0, -1) : list}`)
    .join(', ');
}
