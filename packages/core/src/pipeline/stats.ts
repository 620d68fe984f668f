import type { MetricsHook } from '../plugin.js';

/** Counters and latencies of one plugin. */
export interface PluginStats {
  readonly kind: string;
  received: number;
  sent: number;
  dropped: number;
  errors: number;
  /** Items waiting in this plugin's buffer (sinks) or judge queue (async detectors). */
  queueDepth: number;
  /** Durations of polls (sources), writes (sinks), judge calls (detectors), in ms. */
  latencyMs: { count: number; sumMs: number; maxMs: number; lastMs: number };
  /** What the plugin reported through `ctx.metrics`. */
  custom: Record<string, number>;
  /** The plugin's most recent error, absent until it has one. */
  lastError?: LastError;
}

/**
 * A plugin's most recent error as health pages show it: the message (without its cause or stack, URL credentials
 * cut, at most {@link LAST_ERROR_MAX_CHARS} characters), its code, the hook it came from and when (ms).
 */
export interface LastError {
  readonly message: string;
  readonly code: string;
  readonly hook: string;
  readonly at: number;
}

/** How much of an error's message {@link LastError} keeps. */
export const LAST_ERROR_MAX_CHARS = 500;

/** `err` as a {@link LastError} at `at`: `user:password@` in URLs becomes `<redacted>@`. */
export function lastErrorOf(err: { message: string; code: string; hook: string }, at: number): LastError {
  const message = err.message.replace(/(\/\/)[^/@\s]*@/g, '$1<redacted>@');
  return {
    message:
      message.length > LAST_ERROR_MAX_CHARS ? `${message.slice(0, LAST_ERROR_MAX_CHARS - 1)}…` : message,
    code: err.code,
    hook: err.hook,
    at,
  };
}

/** A snapshot of the pipeline's self-metrics. */
export interface PipelineStats {
  readonly state: string;
  readonly series: { active: number; rejected: number; max: number };
  readonly plugins: Record<string, PluginStats>;
}

/** Creates empty stats for a plugin. */
export function emptyStats(kind: string): PluginStats {
  return {
    kind,
    received: 0,
    sent: 0,
    dropped: 0,
    errors: 0,
    queueDepth: 0,
    latencyMs: { count: 0, sumMs: 0, maxMs: 0, lastMs: 0 },
    custom: {},
  };
}

/** Records one latency observation. */
export function observeLatency(s: PluginStats, ms: number): void {
  const l = s.latencyMs;
  l.count++;
  l.sumMs += ms;
  l.lastMs = ms;
  if (ms > l.maxMs) l.maxMs = ms;
}

/** The `ctx.metrics` hook writing into a plugin's stats. */
export function metricsHook(s: PluginStats): MetricsHook {
  return {
    count(name, value = 1) {
      s.custom[name] = (s.custom[name] ?? 0) + value;
    },
    gauge(name, value) {
      s.custom[name] = value;
    },
    observe(name, value) {
      s.custom[`${name}_count`] = (s.custom[`${name}_count`] ?? 0) + 1;
      s.custom[`${name}_sum`] = (s.custom[`${name}_sum`] ?? 0) + value;
      const max = `${name}_max`;
      if (!(s.custom[max]! >= value)) s.custom[max] = value;
    },
  };
}

/** Deep-copies stats so a snapshot does not change under the caller. */
export function copyStats(s: PluginStats): PluginStats {
  return {
    ...s,
    latencyMs: { ...s.latencyMs },
    custom: { ...s.custom },
    ...(s.lastError ? { lastError: { ...s.lastError } } : {}),
  };
}
