import { EMPTY_METRICS, type Processor } from '@argus/core';
import { expect } from 'vitest';
import { testStageContext } from '../context.js';
import { type ContractCheck, registerSuite, type SuiteOptions } from './check.js';
import { badOptionsCheck, deadlineCheck, healthCheck, lifecycleCheck, make, shapeCheck } from './common.js';
import { byTimestamp, defaultSamples, type Harness, harness, type SampleInput } from './harness.js';
import { labelledRows, parityCheck } from './parity.js';
import { expectValidBatch } from './validate.js';

/** What a processor suite's `additionalTests` receive. */
export interface ProcessorSuiteContext {
  readonly factory: () => Processor;
  readonly harness: (p: Processor) => Harness;
  readonly sampleInput: SampleInput;
}

/** Options of {@link testProcessor}. */
export interface ProcessorSuiteOptions extends SuiteOptions<ProcessorSuiteContext> {
  capabilities?: { flush?: boolean; snapshot?: boolean; healthcheck?: boolean };
  /** @default two series × 40 points with one spike */
  sampleInput?: SampleInput;
}

async function pushAll(h: Harness, input: SampleInput): Promise<number> {
  const groups = byTimestamp(input(h.pipeline.series));
  for (const g of groups) await h.source.push(g);
  return groups.reduce((n, g) => n + g.length, 0);
}

/** The processor contract as a list of checks (see {@link testProcessor}). */
export function processorChecks(
  factory: () => Processor,
  options: ProcessorSuiteOptions = {},
): ContractCheck[] {
  const input = options.sampleInput ?? defaultSamples;
  const caps = options.capabilities ?? {};
  const checks: ContractCheck[] = [
    shapeCheck('processor', factory, caps),
    lifecycleCheck('processor', factory),
    deadlineCheck('processor', factory),
    countsCheck(factory, input),
    stopRaceCheck(factory, input),
    mutationCheck(factory, input),
    emptyCheck(factory),
  ];
  if (options.badOptions) {
    checks.splice(
      1,
      0,
      badOptionsCheck('processor', factory, options.badOptions, options.optionsErrorPlugin),
    );
  }
  if (caps.snapshot) {
    checks.push(
      parityCheck(factory, input, (p, b, ctx) => labelledRows(p.process(b, ctx), ctx.series), false),
    );
  }
  if (caps.healthcheck) checks.push(healthCheck('processor', factory));
  return checks;
}

function countsCheck(factory: () => Processor, input: SampleInput): ContractCheck {
  return {
    name: 'stats and sink events carry exact counts: every sample it sent reaches the sink',
    async run() {
      const p = make('processor', factory);
      const h = harness(p);
      await h.pipeline.start();
      const n = await pushAll(h, input);
      await h.pipeline.stop();
      expect(h.tally.errors.map((e) => e.message)).toEqual([]);
      const s = h.pipeline.stats().plugins[p.name]!;
      expect(s.received, `${p.name} received`).toBe(n);
      expect(s.dropped, `${p.name} dropped`).toBe(0);
      expect(h.out.samples().length, 'samples at the sink').toBe(s.sent);
      expect(h.tally.sent[h.out.name] ?? 0, `'sent' events of the sink`).toBe(s.sent);
    },
  };
}

function stopRaceCheck(factory: () => Processor, input: SampleInput): ContractCheck {
  return {
    name: 'processes a batch pushed just before pipeline.stop()',
    async run() {
      const p = make('processor', factory);
      const h = harness(p);
      await h.pipeline.start();
      const batch = input(h.pipeline.series);
      const pushing = h.source.push(batch);
      await h.pipeline.stop();
      await pushing;
      expect(h.pipeline.stats().plugins[p.name]!.received).toBe(batch.length);
      expect(h.out.samples().length).toBe(h.pipeline.stats().plugins[p.name]!.sent);
    },
  };
}

function mutationCheck(factory: () => Processor, input: SampleInput): ContractCheck {
  return {
    name: 'does not modify its input arrays and returns a valid batch',
    async run() {
      const p = make('processor', factory);
      const ctx = testStageContext();
      const batch = input(ctx.series);
      const copy = structuredClone(batch);
      const out = p.process(batch, { ...ctx, now: batch.timestamps[batch.length - 1] ?? 0 });
      expect(batch, 'the input batch after process()').toEqual(copy);
      expectValidBatch(out, ctx.series, 'process() output');
      const flushed = p.flush?.(ctx);
      if (flushed) expectValidBatch(flushed, ctx.series, 'flush() output');
    },
  };
}

function emptyCheck(factory: () => Processor): ContractCheck {
  return {
    name: 'handles an empty batch',
    async run() {
      const p = make('processor', factory);
      const ctx = testStageContext();
      const out = p.process(EMPTY_METRICS, ctx);
      expectValidBatch(out, ctx.series, 'process(empty) output');
    },
  };
}

/**
 * Registers the processor contract suite: shape, bad options, idempotent stop, deadlines, exact counts,
 * processing at stop, no input mutation, empty batches, and snapshot parity / healthcheck when declared.
 * @example
 * testProcessor(() => scale({ factor: 2 }), { badOptions: () => scale({ factor: 'x' }) });
 */
export function testProcessor(factory: () => Processor, options: ProcessorSuiteOptions = {}): void {
  const ctx: ProcessorSuiteContext = {
    factory,
    harness: (p) => harness(p),
    sampleInput: options.sampleInput ?? defaultSamples,
  };
  registerSuite('processor', processorChecks(factory, options), options, ctx);
}
