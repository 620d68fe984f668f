import { sleep } from '../clock.js';
import { PluginError, toPluginError } from '../errors.js';
import type { Health, Plugin, PluginKind } from '../plugin.js';
import type { Resolved } from './config.js';
import { backoffMs, deadlineSignal, withDeadline } from './deadline.js';
import type { Pipeline } from './pipeline.js';

// Consumers start before producers, so no data arrives at a plugin that is not ready.
const START_ORDER: PluginKind[] = ['sink', 'alerter', 'detector', 'processor', 'source'];

/** Starts every plugin kind by kind under `timeoutMs` each, applying each entry's `onStartError`. */
export async function startAll(p: Pipeline, timeoutMs: number): Promise<void> {
  for (const kind of START_ORDER) {
    const entries = p.allEntries().filter((e) => e.plugin.kind === kind);
    await Promise.all(entries.map((e) => startOne(p, e, timeoutMs)));
  }
}

async function startOne(p: Pipeline, e: Resolved<Plugin>, timeoutMs: number): Promise<void> {
  try {
    await tryStart(p, e.plugin, timeoutMs);
    p.active.add(e.plugin.name);
  } catch (err) {
    const pe = err as PluginError;
    p.stats(e.plugin.name).errors++;
    if (e.onStartError === 'fail') throw pe;
    p.telemetry.report(pe);
    if (e.onStartError === 'retry') void retryStart(p, e, timeoutMs);
    else
      p.log.warn(`${e.plugin.name} failed to start and is ignored (onStartError: 'ignore'): ${pe.message}`);
  }
}

async function tryStart(p: Pipeline, plugin: Plugin, timeoutMs: number): Promise<void> {
  if (!plugin.start) return;
  const { signal, deadline, dispose } = deadlineSignal(p.clock, timeoutMs, p.forceCtl.signal);
  try {
    await withDeadline(
      plugin.name,
      'start',
      signal,
      timeoutMs,
      () => plugin.start!(p.context(plugin.name, signal, deadline)),
      'ERR_PLUGIN_START',
    );
  } finally {
    dispose();
  }
}

async function retryStart(p: Pipeline, e: Resolved<Plugin>, timeoutMs: number): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await sleep(p.clock, backoffMs(attempt, 500, 60_000), p.forceCtl.signal);
    } catch {
      return;
    }
    if (p.status !== 'running' && p.status !== 'starting') return;
    try {
      await tryStart(p, e.plugin, timeoutMs);
    } catch (err) {
      p.stats(e.plugin.name).errors++;
      p.telemetry.report(toPluginError(err, e.plugin.name, 'start', 'ERR_PLUGIN_START'));
      continue;
    }
    p.active.add(e.plugin.name);
    p.log.info(`${e.plugin.name} started after ${attempt + 1} retries`);
    const { sources, sinks } = p.wiring;
    sinks.find((r) => r.name === e.plugin.name)?.activate();
    const src = sources.find((r) => r.name === e.plugin.name);
    if (src && p.status === 'running') void src.begin();
    return;
  }
}

/**
 * Stops the started plugins of `kinds` (in that order; each kind in parallel) under one deadline: a number of
 * ms, or a signal shared with the rest of the shutdown. Sinks are flushed before they stop. Errors are reported.
 */
export async function stopAll(
  p: Pipeline,
  limit: number | AbortSignal,
  kinds: PluginKind[] = ['source', 'processor', 'detector', 'alerter', 'sink'],
): Promise<void> {
  const own = typeof limit === 'number' ? deadlineSignal(p.clock, limit) : undefined;
  const signal = own ? own.signal : (limit as AbortSignal);
  try {
    for (const kind of kinds) {
      const entries = p.allEntries().filter((e) => e.plugin.kind === kind && p.active.has(e.plugin.name));
      await Promise.all(entries.map((e) => stopOne(p, e.plugin, signal)));
    }
  } finally {
    own?.dispose();
  }
}

async function stopOne(p: Pipeline, plugin: Plugin, signal: AbortSignal): Promise<void> {
  p.active.delete(plugin.name);
  const ctx = p.context(plugin.name, signal, Number.POSITIVE_INFINITY);
  const hooks: ('flush' | 'stop')[] = plugin.kind === 'sink' ? ['flush', 'stop'] : ['stop'];
  for (const hook of hooks) {
    const fn = (plugin as { flush?: (c: typeof ctx) => unknown; stop?: (c: typeof ctx) => unknown })[hook];
    if (!fn) continue;
    try {
      await settleOrGiveUp(plugin.name, hook, signal, () => fn.call(plugin, ctx));
    } catch (err) {
      p.stats(plugin.name).errors++;
      p.telemetry.report(toPluginError(err, plugin.name, hook, 'ERR_PLUGIN_STOP'));
    }
  }
}

const SNAPSHOT_KEY = 'snapshot';

/** Restores processors', detectors' and alerters' state from the state store. */
export async function restoreSnapshots(p: Pipeline): Promise<void> {
  for (const e of [...p.processors, ...p.detectors, ...p.alerters]) {
    const plugin = e.plugin;
    if (!plugin.restore || !p.active.has(plugin.name)) continue;
    try {
      const state = await p.state.get(`${plugin.name}/${SNAPSHOT_KEY}`);
      if (state !== undefined) plugin.restore(state, p.stageContext(plugin.name, p.now()));
    } catch (err) {
      p.stats(plugin.name).errors++;
      p.telemetry.report(toPluginError(err, plugin.name, 'restore'));
    }
  }
}

// saves of one pipeline run one after another: a periodic save still writing when the save at stop begins would
// otherwise land last and put older state back (seen when a restart restored state from a minute before the stop)
const saving = new WeakMap<Pipeline, Promise<void>>();

/** Saves processors', detectors' and alerters' state to the state store, after any save still in flight. */
export function saveSnapshots(p: Pipeline): Promise<void> {
  const next = (saving.get(p) ?? Promise.resolve()).then(() => saveNow(p));
  saving.set(p, next);
  return next;
}

async function saveNow(p: Pipeline): Promise<void> {
  for (const e of [...p.processors, ...p.detectors, ...p.alerters]) {
    const plugin = e.plugin;
    if (!plugin.snapshot || !p.active.has(plugin.name)) continue;
    try {
      await p.state.put(
        `${plugin.name}/${SNAPSHOT_KEY}`,
        plugin.snapshot(p.stageContext(plugin.name, p.now())),
      );
    } catch (err) {
      p.stats(plugin.name).errors++;
      p.telemetry.report(toPluginError(err, plugin.name, 'snapshot', 'ERR_STATE_STORE'));
    }
  }
}

/** Calls every plugin's `healthcheck` under `timeoutMs` (a dry run: nothing is started); a throw reads as down. */
export async function healthcheckAll(p: Pipeline, timeoutMs: number): Promise<Record<string, Health>> {
  const out: Record<string, Health> = {};
  await Promise.all(
    p.allEntries().map(async ({ plugin }) => {
      if (!plugin.healthcheck) return;
      const { signal, deadline, dispose } = deadlineSignal(p.clock, timeoutMs);
      try {
        out[plugin.name] = await plugin.healthcheck(p.context(plugin.name, signal, deadline));
      } catch (err) {
        out[plugin.name] = { status: 'down', message: err instanceof Error ? err.message : String(err) };
      } finally {
        dispose();
      }
    }),
  );
  return out;
}

// Grace after the shutdown deadline: a hook called late still gets a moment to settle before it is reported.
const LATE_GRACE_MS = 100;

/**
 * Always calls the hook — even when the shutdown deadline has already passed, so quick stops still release
 * their resources — and waits until it settles or until the deadline (plus a short grace) passes.
 */
function settleOrGiveUp(
  plugin: string,
  hook: 'flush' | 'stop',
  signal: AbortSignal,
  run: () => unknown,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let result: unknown;
    try {
      result = run();
    } catch (err) {
      reject(toPluginError(err, plugin, hook, 'ERR_PLUGIN_STOP'));
      return;
    }
    if (typeof (result as { then?: unknown } | null)?.then !== 'function') {
      resolve();
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const giveUp = (): void => {
      timer = setTimeout(
        () =>
          reject(
            new PluginError(
              'ERR_PLUGIN_TIMEOUT',
              plugin,
              hook,
              'did not finish before the shutdown deadline',
              { retryable: false },
            ),
          ),
        LATE_GRACE_MS,
      );
      timer.unref?.();
    };
    if (signal.aborted) giveUp();
    else signal.addEventListener('abort', giveUp, { once: true });
    (result as Promise<unknown>).then(
      () => {
        if (timer) clearTimeout(timer);
        signal.removeEventListener('abort', giveUp);
        resolve();
      },
      (err: unknown) => {
        if (timer) clearTimeout(timer);
        signal.removeEventListener('abort', giveUp);
        reject(toPluginError(err, plugin, hook, 'ERR_PLUGIN_STOP'));
      },
    );
  });
}
