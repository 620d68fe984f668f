import {
  createSeriesRegistry,
  type Logger,
  type PluginContext,
  type SeriesRegistry,
  type SourceBatch,
} from '@argus/core';
import { testContext } from '@argus/testkit';
import type { TokenCredential } from '@azure/core-auth';
import type { FakeResource } from './fake/data.js';

export const SUB: string = '11111111-1111-1111-1111-111111111111';
export const VM1: string = `/subscriptions/${SUB}/resourceGroups/web/providers/Microsoft.Compute/virtualMachines/vm1`;
export const VM2: string = `/subscriptions/${SUB}/resourceGroups/web/providers/Microsoft.Compute/virtualMachines/vm2`;
export const T0: number = Date.parse('2025-01-01T00:00:00Z');

/** A VM with CPU (no dimensions) and disk IOPS split by LUN. */
export function vm(
  id: string,
  cpu: (ts: number) => number = (ts) => 10 + (((ts - T0) / 60_000) % 5),
): FakeResource {
  return {
    id,
    region: 'eastus',
    metrics: {
      'Percentage CPU': { unit: 'Percent', value: (ts) => cpu(ts) },
      'Data Disk IOPS Consumed Percentage': {
        unit: 'Percent',
        dimensions: { LUN: ['0', '1'] },
        value: (ts, d) => Number(d['LUN'] ?? 0) * 100 + (ts - T0) / 60_000,
      },
    },
  };
}

/** A test credential handing out `tok-1`, `tok-2`, … one per call; the calls are recorded. */
export function testCredential(): TokenCredential & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    async getToken(scopes) {
      calls.push(Array.isArray(scopes) ? [...scopes] : [scopes as string]);
      return { token: `tok-${calls.length}`, expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
}

/** A logger that keeps every line (to assert on warnings and on what must never be logged). */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const put = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
    void lines.push(`${level} ${msg} ${fields ? JSON.stringify(fields) : ''}`);
  return { lines, debug: put('debug'), info: put('info'), warn: put('warn'), error: put('error') };
}

/** A plugin context at a fixed time, with a capturing logger and counters. */
export interface TestCtx {
  ctx: PluginContext;
  log: Logger & { lines: string[] };
  counters: Record<string, number>;
  series: SeriesRegistry;
}

/** A row of a metric batch with its labels resolved. */
export interface Row {
  labels: Record<string, string>;
  ts: number;
  value: number;
  stale: boolean;
}

export function ctxAt(now: number, signal?: AbortSignal): TestCtx {
  const log = memoryLogger();
  const counters: Record<string, number> = {};
  const series = createSeriesRegistry();
  const base = testContext({ series, ...(signal ? { signal } : {}) });
  const ctx: PluginContext = {
    ...base,
    log,
    clock: { ...base.clock, now: () => now },
    metrics: {
      count: (n, v = 1) => void (counters[n] = (counters[n] ?? 0) + v),
      gauge() {},
      observe() {},
    },
  };
  return { ctx, log, counters, series };
}

/** Rows of the metric batches among `batches`, with labels resolved. */
export function rows(ctx: PluginContext, batches: readonly (SourceBatch | undefined)[]): Row[] {
  const out: Row[] = [];
  for (const b of batches) {
    if (b?.kind !== 'metrics') continue;
    for (let i = 0; i < b.length; i++) {
      out.push({
        labels: { ...ctx.series.labels(b.series[i]!) },
        ts: b.timestamps[i]!,
        value: b.values[i]!,
        stale: b.stale?.[i] === 1,
      });
    }
  }
  return out;
}
