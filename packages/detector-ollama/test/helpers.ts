import {
  API_VERSION,
  createSeriesRegistry,
  type Detector,
  type Finding,
  type Labels,
  newFindingId,
  type Pipeline,
  type PluginContext,
  systemClock,
} from '@argus/core';
import { type FakeClock, fakeClock, testContext } from '@argus/testkit';
import { vi } from 'vitest';
import {
  type OllamaAnalyst,
  type OllamaDetectorOptions,
  ollamaAnalyst,
  ollamaDetector,
} from '../src/index.js';

export const MODEL = 'qwen2.5:3b';

/** A verdict the model might give; override fields to make it invalid. */
export function answer(over: Record<string, unknown> = {}): string {
  return JSON.stringify({
    is_anomaly: true,
    confidence: 0.9,
    kind: 'spike',
    severity: 'critical',
    explanation: 'CPU jumped far above its usual band.',
    hypotheses: [
      { cause: 'a batch job started', evidence: ['value 97 vs expected 40'] },
      { cause: 'a noisy neighbour', evidence: ['single host affected'] },
    ],
    ...over,
  });
}

/** Counters and observations a plugin reported through `ctx.metrics`. */
export interface Recorded {
  counts: Record<string, number>;
}

/** What a test needs: a started detector, its context on a fake clock, and a way to make findings. */
export interface Rig {
  readonly detector: Detector;
  readonly ctx: PluginContext;
  readonly clock: FakeClock;
  readonly metrics: Recorded;
  finding(labels?: Labels, over?: Partial<Finding>): Finding;
  judge(findings: readonly Finding[]): ReturnType<NonNullable<Detector['judge']>>;
}

/** The candidate finding every test judges, less its id, series and time: 97 where 40 is expected. */
export const SPIKE: Pick<Finding, 'value' | 'score' | 'kind' | 'expected' | 'detector' | 'explanation'> = {
  value: 97,
  score: 0.8,
  kind: 'spike',
  expected: { value: 40, lower: 30, upper: 50 },
  detector: 'robust-z',
  explanation: 'value 97 is 6.1 MADs above the median 40',
};

let seq = 0;

/** Builds (not starts) an ollama detector against `host`, with a fake clock and recorded metrics. */
export function rig(
  host: string,
  options: Partial<OllamaDetectorOptions> = {},
  how: { realClock?: boolean } = {},
): Rig {
  const clock = fakeClock({ now: Date.UTC(2026, 11, 7, 8, 0, 0) });
  const series = createSeriesRegistry();
  const metrics: Recorded = { counts: {} };
  const ctx: PluginContext = {
    ...testContext({ clock: how.realClock ? systemClock : clock, series }),
    metrics: {
      count: (name, v = 1) => void (metrics.counts[name] = (metrics.counts[name] ?? 0) + v),
      gauge() {},
      observe() {},
    },
  };
  const detector = ollamaDetector({ model: MODEL, host, ...options });
  return {
    detector,
    ctx,
    clock,
    metrics,
    finding(labels = { __name__: 'cpu', instance: 'node-1' }, over = {}) {
      return {
        id: `f${++seq}`,
        series: series.intern(labels),
        timestamp: clock.now(),
        ...SPIKE,
        ...over,
      };
    },
    judge: (findings) => detector.judge!(findings, ctx),
  };
}

/**
 * Waits for something the fake server or the pipeline does on its own (a request arriving, a verdict
 * delivered): an event wait with a bound generous enough for a loaded machine, not a timing assertion.
 */
export function until<T>(check: () => T | Promise<T>): Promise<T> {
  return vi.waitFor(check, { timeout: 20_000, interval: 10 });
}

/** Reports every sample as a spike with score 0.8: candidates for the model. */
export function everyPoint(): Detector {
  return {
    kind: 'detector',
    name: 'every-point',
    apiVersion: API_VERSION,
    detect: (b) =>
      Array.from({ length: b.length }, (_, i) => ({
        id: newFindingId(),
        series: b.series[i]!,
        timestamp: b.timestamps[i]!,
        value: b.values[i]!,
        score: 0.8,
        kind: 'spike' as const,
        detector: 'every-point',
        explanation: 'test input',
      })),
  };
}

export function updates(p: Pipeline): Finding[] {
  const out: Finding[] = [];
  p.on('findingUpdated', (f) => void out.push(f));
  return out;
}

/** An analyst against `host` on a fake clock (at 2026-12-02 01:00 UTC), with recorded metrics. */
export function analyst(
  host: string,
  options: Partial<OllamaDetectorOptions> = {},
): { a: OllamaAnalyst; clock: FakeClock; metrics: Recorded } {
  const clock = fakeClock({ now: Date.UTC(2026, 11, 2, 1) });
  const metrics: Recorded = { counts: {} };
  const count = (n: string, v = 1): void => void (metrics.counts[n] = (metrics.counts[n] ?? 0) + v);
  const a = ollamaAnalyst(
    { model: MODEL, host, ...options },
    { clock, metrics: { count, gauge() {}, observe() {} } },
  );
  return { a, clock, metrics };
}
