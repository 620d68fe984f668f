import { type Clock, sleep, type TimerHandle } from '../clock.js';
import { PluginError, toPluginError } from '../errors.js';
import type { Logger } from '../logger.js';
import type {
  Alerter,
  Detector,
  Health,
  Plugin,
  PluginContext,
  PluginKind,
  Processor,
  StageContext,
} from '../plugin.js';
import { type DeltaMemo, getSnapshot, putSnapshotParts } from '../state/snapshot-delta.js';
import { putSnapshot } from '../state/snapshot-encode.js';
import type { StateStore } from '../state/store.js';
import type { Resolved } from './config.js';
import { backoffMs, deadlineSignal, withDeadline } from './deadline.js';
import type { PluginStats } from './stats.js';

/** What starting, stopping, snapshots and health checks need from a pipeline, and nothing more. */
export interface LifecycleDeps {
  readonly clock: Clock;
  readonly log: Logger;
  /** Every plugin entry, sources first, sinks last. */
  readonly entries: readonly Resolved<Plugin>[];
  /** Names of the plugins started and not yet stopped. */
  readonly active: Set<string>;
  /** Aborts when the shutdown deadline has passed: retries and hooks still running give up. */
  readonly force: AbortSignal;
  readonly state: StateStore;
  stats(name: string): PluginStats;
  report(err: PluginError): void;
  context(name: string, signal: AbortSignal, deadline: number): PluginContext;
  stageContext(name: string, now: number): StageContext;
  now(): number;
  /** Whether a plugin that failed to start is still worth retrying (the pipeline is starting or running). */
  retrying(): boolean;
  /** A plugin with `onStartError: 'retry'` started late: let data flow to and from it. */
  startedLate(name: string): void;
}

// Consumers start before producers, so no data arrives at a plugin that is not ready.
const START_ORDER: PluginKind[] = ['sink', 'alerter', 'detector', 'processor', 'source'];

/** Starts every plugin kind by kind under `timeoutMs` each, applying each entry's `onStartError`. */
export async function startAll(d: LifecycleDeps, timeoutMs: number): Promise<void> {
  for (const kind of START_ORDER) {
    const entries = d.entries.filter((e) => e.plugin.kind === kind);
    await Promise.all(entries.map((e) => startOne(d, e, timeoutMs)));
  }
}

async function startOne(d: LifecycleDeps, e: Resolved<Plugin>, timeoutMs: number): Promise<void> {
  try {
    await tryStart(d, e.plugin, timeoutMs);
    d.active.add(e.plugin.name);
  } catch (err) {
    const pe = err as PluginError;
    d.stats(e.plugin.name).errors++;
    if (e.onStartError === 'fail') throw pe;
    d.report(pe);
    if (e.onStartError === 'retry') void retryStart(d, e, timeoutMs);
    else
      d.log.warn(`${e.plugin.name} failed to start and is ignored (onStartError: 'ignore'): ${pe.message}`);
  }
}

async function tryStart(d: LifecycleDeps, plugin: Plugin, timeoutMs: number): Promise<void> {
  if (!plugin.start) return;
  const { signal, deadline, dispose } = deadlineSignal(d.clock, timeoutMs, d.force);
  try {
    await withDeadline(
      plugin.name,
      'start',
      signal,
      timeoutMs,
      () => plugin.start!(d.context(plugin.name, signal, deadline)),
      'ERR_PLUGIN_START',
    );
  } finally {
    dispose();
  }
}

async function retryStart(d: LifecycleDeps, e: Resolved<Plugin>, timeoutMs: number): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await sleep(d.clock, backoffMs(attempt, 500, 60_000), d.force);
    } catch {
      return;
    }
    if (!d.retrying()) return;
    try {
      await tryStart(d, e.plugin, timeoutMs);
    } catch (err) {
      d.stats(e.plugin.name).errors++;
      d.report(toPluginError(err, e.plugin.name, 'start', 'ERR_PLUGIN_START'));
      continue;
    }
    d.active.add(e.plugin.name);
    d.log.info(`${e.plugin.name} started after ${attempt + 1} retries`);
    d.startedLate(e.plugin.name);
    return;
  }
}

/**
 * Stops the started plugins of `kinds` (in that order; each kind in parallel) under one deadline: a number of
 * ms, or a signal shared with the rest of the shutdown. Sinks are flushed before they stop. Errors are reported.
 */
export async function stopAll(
  d: LifecycleDeps,
  limit: number | AbortSignal,
  kinds: PluginKind[] = ['source', 'processor', 'detector', 'alerter', 'sink'],
): Promise<void> {
  const own = typeof limit === 'number' ? deadlineSignal(d.clock, limit) : undefined;
  const signal = own ? own.signal : (limit as AbortSignal);
  try {
    for (const kind of kinds) {
      const entries = d.entries.filter((e) => e.plugin.kind === kind && d.active.has(e.plugin.name));
      await Promise.all(entries.map((e) => stopOne(d, e.plugin, signal)));
    }
  } finally {
    own?.dispose();
  }
}

async function stopOne(d: LifecycleDeps, plugin: Plugin, signal: AbortSignal): Promise<void> {
  d.active.delete(plugin.name);
  const ctx = d.context(plugin.name, signal, Number.POSITIVE_INFINITY);
  const hooks: ('flush' | 'stop')[] = plugin.kind === 'sink' ? ['flush', 'stop'] : ['stop'];
  for (const hook of hooks) {
    const fn = (plugin as { flush?: (c: typeof ctx) => unknown; stop?: (c: typeof ctx) => unknown })[hook];
    if (!fn) continue;
    try {
      await settleOrGiveUp(d.clock, plugin.name, hook, signal, () => fn.call(plugin, ctx));
    } catch (err) {
      d.stats(plugin.name).errors++;
      d.report(toPluginError(err, plugin.name, hook, 'ERR_PLUGIN_STOP'));
    }
  }
}

const SNAPSHOT_KEY = 'snapshot';
type Stateful = Processor | Detector | Alerter;
/** The plugins that may keep state between batches: processors, detectors and alerters, in that order. */
const stateful = (entries: readonly Resolved<Plugin>[]): Stateful[] =>
  entries
    .map((e) => e.plugin)
    .filter((p): p is Stateful => p.kind === 'processor' || p.kind === 'detector' || p.kind === 'alerter');

/** Restores processors', detectors' and alerters' state from the state store. */
export async function restoreSnapshots(d: LifecycleDeps): Promise<void> {
  for (const plugin of stateful(d.entries)) {
    if (!plugin.restore || !d.active.has(plugin.name)) continue;
    try {
      // a full snapshot with the deltas of later saves applied (snapshot-delta.ts); a plain value as it is
      const state = await getSnapshot(d.state, `${plugin.name}/${SNAPSHOT_KEY}`);
      if (state !== undefined) plugin.restore(state, d.stageContext(plugin.name, d.now()));
    } catch (err) {
      d.stats(plugin.name).errors++;
      d.report(toPluginError(err, plugin.name, 'restore'));
    }
  }
}

// saves of one pipeline run one after another: a periodic save still writing when the save at stop begins would
// otherwise land last and put older state back (seen when a restart restored state from a minute before the stop)
const saving = new WeakMap<LifecycleDeps, Promise<void>>();
// per pipeline run and plugin: the full save that deltas of changed entries go on (none before this run's first)
const deltaMemos = new WeakMap<LifecycleDeps, Map<string, DeltaMemo>>();

/** Saves processors', detectors' and alerters' state to the state store, after any save still in flight. */
export function saveSnapshots(d: LifecycleDeps): Promise<void> {
  const next = (saving.get(d) ?? Promise.resolve()).then(() => saveNow(d));
  saving.set(d, next);
  return next;
}

async function saveNow(d: LifecycleDeps): Promise<void> {
  let memos = deltaMemos.get(d);
  if (!memos) deltaMemos.set(d, (memos = new Map()));
  for (const plugin of stateful(d.entries)) {
    if (!(plugin.snapshotParts || plugin.snapshot) || !d.active.has(plugin.name)) continue;
    const key = `${plugin.name}/${SNAPSHOT_KEY}`;
    try {
      const ctx = d.stageContext(plugin.name, d.now());
      // large state comes in parts, encoded a slice at a time so that one save never holds the event loop
      const parts = plugin.snapshotParts?.(ctx);
      if (parts?.changes) {
        const memo = memos.get(plugin.name);
        // a failed save leaves no memo: the next one is full
        memos.delete(plugin.name);
        memos.set(plugin.name, await putSnapshotParts(d.state, key, parts, memo));
        continue;
      }
      const snap = parts ? { parts } : { value: plugin.snapshot?.(ctx) };
      await putSnapshot(d.state, key, snap);
    } catch (err) {
      d.stats(plugin.name).errors++;
      d.report(toPluginError(err, plugin.name, 'snapshot', 'ERR_STATE_STORE'));
    }
  }
}

/** Calls every plugin's `healthcheck` under `timeoutMs` (a dry run: nothing is started); a throw reads as down. */
export async function healthcheckAll(d: LifecycleDeps, timeoutMs: number): Promise<Record<string, Health>> {
  const out: Record<string, Health> = {};
  await Promise.all(
    d.entries.map(async ({ plugin }) => {
      if (!plugin.healthcheck) return;
      const { signal, deadline, dispose } = deadlineSignal(d.clock, timeoutMs);
      try {
        out[plugin.name] = await plugin.healthcheck(d.context(plugin.name, signal, deadline));
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
  clock: Clock,
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
    // on the injected clock (unref'd there), so fake time drives the grace as it drives the deadline
    let timer: TimerHandle | undefined;
    const giveUp = (): void => {
      timer = clock.setTimeout(
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
    };
    if (signal.aborted) giveUp();
    else signal.addEventListener('abort', giveUp, { once: true });
    (result as Promise<unknown>).then(
      () => {
        if (timer) clock.clearTimeout(timer);
        signal.removeEventListener('abort', giveUp);
        resolve();
      },
      (err: unknown) => {
        if (timer) clock.clearTimeout(timer);
        signal.removeEventListener('abort', giveUp);
        reject(toPluginError(err, plugin, hook, 'ERR_PLUGIN_STOP'));
      },
    );
  });
}
