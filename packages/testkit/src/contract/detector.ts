import {
  type Detector,
  type Finding,
  metricBatch,
  type SeriesRegistry,
  type StageContext,
} from '@argus/core';
import { expect } from 'vitest';
import { testContext, testStageContext } from '../context.js';
import { type ContractCheck, registerSuite, type SuiteOptions, within } from './check.js';
import { badOptionsCheck, deadlineCheck, healthCheck, lifecycleCheck, make, shapeCheck } from './common.js';
import { defaultSamples, type Harness, harness, runOnce, type SampleInput } from './harness.js';
import { parityCheck } from './parity.js';
import { expectValidFinding } from './validate.js';

/** What a detector suite's `additionalTests` receive. */
export interface DetectorSuiteContext {
  readonly factory: () => Detector;
  readonly harness: (d: Detector) => Harness;
  readonly sampleInput: SampleInput;
}

/** Options of {@link testDetector}. */
export interface DetectorSuiteOptions extends SuiteOptions<DetectorSuiteContext> {
  capabilities?: { snapshot?: boolean; judge?: boolean; healthcheck?: boolean };
  /** Input that should make the detector report at least one finding. @default two series with one spike */
  sampleInput?: SampleInput;
  /** Require at least one finding on `sampleInput` (and in the snapshot comparison). @default true */
  expectFindings?: boolean;
}

async function run(d: Detector, input: SampleInput): Promise<{ h: Harness; n: number; found: Finding[] }> {
  const h = harness(d);
  const found: Finding[] = [];
  const n = await runOnce(h, input, (p) => p.on('finding', (f) => void found.push(f)));
  return { h, n, found };
}

function normalize(fs: readonly Finding[] | undefined, series: SeriesRegistry): unknown[] {
  return (fs ?? []).map(({ id: _id, series: s, verdicts: _v, ...rest }) => ({
    ...rest,
    labels: series.labels(s),
  }));
}

function detectOdd(d: Detector, ctx: StageContext, input: SampleInput): void {
  const warm = input(ctx.series);
  d.detect!(warm, ctx);
  const id = warm.series[0] ?? ctx.series.intern({ __name__: 'testkit_value' });
  const t = (warm.timestamps[warm.length - 1] ?? 0) + 1_000;
  const odd = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -0];
  const batch = metricBatch(
    new Int32Array(odd.length).fill(id),
    Float64Array.from(odd, (_, i) => t + i * 1_000),
    Float64Array.from(odd),
  );
  for (const f of d.detect!(batch, ctx) ?? []) expectValidFinding(f, ctx.series, d.name);
  expect(
    d.detect!(metricBatch(new Int32Array(0), new Float64Array(0), new Float64Array(0)), ctx) ?? [],
  ).toEqual([]);
}

/** The detector contract as a list of checks (see {@link testDetector}). */
export function detectorChecks(factory: () => Detector, options: DetectorSuiteOptions = {}): ContractCheck[] {
  const input = options.sampleInput ?? defaultSamples;
  const caps = options.capabilities ?? {};
  const wantFindings = options.expectFindings ?? true;
  const checks: ContractCheck[] = [
    shapeCheck('detector', factory, caps),
    lifecycleCheck('detector', factory),
    deadlineCheck('detector', factory),
    countsCheck(factory, input),
    validCheck(factory, input, wantFindings),
    stopRaceCheck(factory, input),
    oddValuesCheck(factory, input),
  ];
  if (options.badOptions) {
    checks.splice(1, 0, badOptionsCheck('detector', factory, options.badOptions, options.optionsErrorPlugin));
  }
  if (caps.snapshot) {
    checks.push(
      parityCheck(factory, input, (d, b, ctx) => normalize(d.detect?.(b, ctx), ctx.series), wantFindings),
    );
  }
  if (caps.judge) checks.push(judgeCheck(factory, input));
  if (caps.healthcheck) checks.push(healthCheck('detector', factory));
  return checks;
}

function judgeCheck(factory: () => Detector, input: SampleInput): ContractCheck {
  return {
    name: 'judge() answers only about the findings it was given, with scores in [0,1]',
    async run() {
      const d = make('detector', factory);
      const { found } = await run(factory(), input);
      const ids = new Set(found.map((f) => f.id));
      const ctx = testContext();
      await d.start?.(ctx);
      const verdicts = await within(d.judge!(found.slice(0, 16), ctx), 30_000, `${d.name}: judge() hung`);
      await d.stop?.(ctx);
      for (const v of verdicts) {
        expect(ids.has(v.findingId), `verdict for unknown finding ${v.findingId}`).toBe(true);
        if (v.verdict.score !== undefined) expect(v.verdict.score >= 0 && v.verdict.score <= 1).toBe(true);
      }
    },
  };
}

function countsCheck(factory: () => Detector, input: SampleInput): ContractCheck {
  return {
    name: 'stats, finding events and sink counts agree exactly for a known input',
    async run() {
      const d = make('detector', factory);
      // a judge-only detector (e.g. an LLM) counts the findings it is offered, not samples: judgeCheck covers it
      if (!d.detect) return;
      const { h, n, found } = await run(d, input);
      expect(h.tally.errors.map((e) => e.message)).toEqual([]);
      const s = h.pipeline.stats().plugins[d.name]!;
      expect(s.received, `${d.name} received`).toBe(n);
      expect(s.sent, `${d.name} sent = findings reported`).toBe(found.length);
      expect(h.out.findings().length, 'findings at the sink').toBe(found.length);
      expect(h.tally.sent[h.out.name] ?? 0, `'sent' events of the sink`).toBe(n + found.length);
    },
  };
}

function validCheck(factory: () => Detector, input: SampleInput, wantFindings: boolean): ContractCheck {
  return {
    name: 'reports findings with scores in [0,1] and valid fields',
    async run() {
      const d = make('detector', factory);
      const { h, found } = await run(d, input);
      if (wantFindings) expect(found.length, 'findings on the sample input').toBeGreaterThan(0);
      for (const f of found) expectValidFinding(f, h.pipeline.series, d.name);
    },
  };
}

function stopRaceCheck(factory: () => Detector, input: SampleInput): ContractCheck {
  return {
    name: 'processes a batch pushed just before pipeline.stop()',
    async run() {
      const d = make('detector', factory);
      if (!d.detect) return; // judge-only: it receives findings, not samples (see countsCheck)
      const h = harness(d);
      await h.pipeline.start();
      const batch = input(h.pipeline.series);
      const pushing = h.source.push(batch);
      await h.pipeline.stop();
      await pushing;
      expect(h.pipeline.stats().plugins[d.name]!.received).toBe(batch.length);
    },
  };
}

function oddValuesCheck(factory: () => Detector, input: SampleInput): ContractCheck {
  return {
    name: 'does not throw on NaN, ±Inf or an empty batch',
    async run() {
      const d = make('detector', factory);
      if (!d.detect) return;
      const ctx = testStageContext({ now: 0 });
      await d.start?.(testContext({ series: ctx.series }));
      detectOdd(d, ctx, input);
      await d.stop?.(testContext({ series: ctx.series }));
    },
  };
}

/**
 * Registers the detector contract suite: shape, bad options, idempotent stop, deadlines, exact counts,
 * valid findings, processing at stop, NaN/±Inf/empty input, and snapshot parity / judge / healthcheck when declared.
 * @example
 * testDetector(() => ewmaDetector({ alpha: 0.3 }), { capabilities: { snapshot: true } });
 */
export function testDetector(factory: () => Detector, options: DetectorSuiteOptions = {}): void {
  const ctx: DetectorSuiteContext = {
    factory,
    harness: (d) => harness(d),
    sampleInput: options.sampleInput ?? defaultSamples,
  };
  registerSuite('detector', detectorChecks(factory, options), options, ctx);
}
