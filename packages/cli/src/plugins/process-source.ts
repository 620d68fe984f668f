import { monitorEventLoopDelay } from 'node:perf_hooks';
import {
  defineSource,
  type MetricBatch,
  MetricBatchBuilder,
  type PluginContext,
  type Source,
} from '@argus/core';
import { z } from 'zod';

const schema = z.strictObject({
  name: z.string().default('process').describe('Plugin name, unique in the pipeline'),
  intervalMs: z.number().int().positive().default(1000).describe('Default poll interval, ms'),
  labels: z.record(z.string(), z.string()).default({}).describe('Extra labels on every series'),
});

/** Options of {@link processSource}. */
export interface ProcessSourceOptions {
  /** @default 'process' */
  name?: string;
  /** Default poll interval. @default 1000 */
  intervalMs?: number;
  /** Extra labels on every series. @default {} */
  labels?: Record<string, string>;
}
type Parsed = z.output<typeof schema>;

const METRICS = [
  'nodejs_heap_used_bytes',
  'process_resident_memory_bytes',
  'nodejs_eventloop_delay_p99_seconds',
  'process_cpu_usage_percent',
] as const;

function create(o: Parsed) {
  let histogram: ReturnType<typeof monitorEventLoopDelay> | undefined;
  let lastCpu = process.cpuUsage();
  let lastAt = performance.now();
  let ids: number[] = [];
  return {
    name: o.name,
    defaultIntervalMs: o.intervalMs,
    start(ctx: PluginContext): void {
      const base = { job: 'argus', instance: `pid-${process.pid}`, ...o.labels };
      ids = METRICS.map((m) => ctx.series.intern({ __name__: m, ...base }));
      histogram = monitorEventLoopDelay({ resolution: 10 });
      histogram.enable();
      lastCpu = process.cpuUsage();
      lastAt = performance.now();
    },
    poll(ctx: PluginContext): MetricBatch {
      const mem = process.memoryUsage();
      const cpu = process.cpuUsage(lastCpu);
      const now = performance.now();
      const cpuPercent = ((cpu.user + cpu.system) / 1000 / Math.max(1, now - lastAt)) * 100;
      lastCpu = process.cpuUsage();
      lastAt = now;
      const p99 = histogram && histogram.count > 0 ? histogram.percentile(99) / 1e9 : 0;
      histogram?.reset();
      const t = ctx.clock.now();
      const b = new MetricBatchBuilder(4);
      const values = [mem.heapUsed, mem.rss, p99, cpuPercent];
      for (const [i, v] of values.entries()) b.push(ids[i] ?? -1, t, v);
      return b.build();
    },
    stop(): void {
      histogram?.disable();
      histogram = undefined;
    },
  };
}

const factory = defineSource({ name: 'process', options: schema, create });

/**
 * A source watching its own Node.js process: heap used, RSS, event-loop delay p99 (seconds, via
 * `perf_hooks.monitorEventLoopDelay`) and CPU usage (% of one core) since the previous poll.
 * @example
 * processSource({ labels: { service: 'api' } })
 */
export function processSource(options: ProcessSourceOptions = {}): Source {
  return factory(options);
}
