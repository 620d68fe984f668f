import type { Clock } from '../clock.js';
import { childLogger, type Logger } from '../logger.js';
import type { PluginContext, StageContext } from '../plugin.js';
import type { SeriesRegistry } from '../series.js';
import { type StateStore, scopedStateStore } from '../state/store.js';
import type { BaseContext } from './call-context.js';
import { copyStats, emptyStats, metricsHook, type PluginStats } from './stats.js';

/** What the contexts are built from: the pipeline's shared services. */
export interface ContextDeps {
  readonly clock: Clock;
  readonly log: Logger;
  readonly series: SeriesRegistry;
  readonly state: StateStore;
  /** Whether the pipeline runs live or over history; stage contexts carry it. */
  mode(): 'stream' | 'batch';
}

/**
 * Per-plugin counters and the contexts handed to plugins. Each plugin's logger, metrics hook and scoped state
 * store are built once; its stage context is one reused object, so the hot path allocates none per chunk.
 */
export class PluginContexts {
  private readonly counters = new Map<string, PluginStats>();
  private readonly bases = new Map<string, BaseContext>();
  private readonly stages = new Map<string, { -readonly [K in keyof StageContext]: StageContext[K] }>();

  constructor(private readonly deps: ContextDeps) {}

  /** The live counters of one plugin (created on first use). */
  stats(name: string, kind = 'unknown'): PluginStats {
    let s = this.counters.get(name);
    if (!s) this.counters.set(name, (s = emptyStats(kind)));
    return s;
  }

  /** A copy of every plugin's counters. */
  snapshot(): Record<string, PluginStats> {
    const out: Record<string, PluginStats> = {};
    for (const [n, s] of this.counters) out[n] = copyStats(s);
    return out;
  }

  /** The per-plugin parts of every context, built once. */
  base(name: string): BaseContext {
    let b = this.bases.get(name);
    if (!b) {
      const { clock, log, series, state } = this.deps;
      b = {
        log: childLogger(log, { plugin: name }),
        clock,
        metrics: metricsHook(this.stats(name)),
        series,
        state: scopedStateStore(state, name),
      };
      this.bases.set(name, b);
    }
    return b;
  }

  /** The context of a lifecycle hook (`start`, `stop`, `healthcheck`, `readRange`). */
  plugin(name: string, signal: AbortSignal, deadline: number): PluginContext {
    return { ...this.base(name), signal, deadline };
  }

  /** The reused context of a stage call, updated to `now` and the current mode. */
  stage(name: string, now: number): StageContext {
    let c = this.stages.get(name);
    const mode = this.deps.mode();
    if (!c) {
      const b = this.base(name);
      c = { now, mode, series: this.deps.series, log: b.log, metrics: b.metrics };
      this.stages.set(name, c);
    }
    c.now = now;
    c.mode = mode;
    return c;
  }
}
