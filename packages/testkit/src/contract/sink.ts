import type { Sink, SinkInputKind } from '@argus/core';
import { expect } from 'vitest';
import { testContext } from '../context.js';
import { hangingSink } from '../fixtures/sinks.js';
import { sinkBatchOf } from './batches.js';
import { type ContractCheck, registerSuite, type SuiteOptions, within } from './check.js';
import {
  badOptionsCheck,
  deadlineCheck,
  GRACE_MS,
  healthCheck,
  lifecycleCheck,
  make,
  shapeCheck,
} from './common.js';
import {
  defaultSamples,
  expectedItems,
  type Fed,
  feedSinks,
  findingsFeeder,
  type Harness,
  harness,
  type SampleInput,
} from './harness.js';

/** What a sink suite's `additionalTests` receive. */
export interface SinkSuiteContext {
  readonly factory: () => Sink;
  /** Wraps a sink in a pipeline with a manual source (and a findings feeder when it accepts findings). */
  readonly harness: (sink: Sink) => Harness;
  readonly sampleInput: SampleInput;
}

/** Options of {@link testSink}. */
export interface SinkSuiteOptions extends SuiteOptions<SinkSuiteContext> {
  /** Optional hooks the sink has; the cases for absent ones are not registered. */
  capabilities?: { flush?: boolean; healthcheck?: boolean };
  /** The kind of input fed through the pipeline. @default the sink's first `accepts` entry */
  inputKind?: SinkInputKind;
  /** Metric input. @default two series × 40 points with one spike */
  sampleInput?: SampleInput;
}

const wrap = (sink: Sink): Harness =>
  harness(sink, sink.accepts.includes('findings') ? { detectors: [findingsFeeder()] } : {});

async function waitUntil(cond: () => boolean, timeoutMs: number, message: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(message);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The sink contract as a list of checks (see {@link testSink}); meta-tests run them one by one. */
export function sinkChecks(factory: () => Sink, options: SinkSuiteOptions = {}): ContractCheck[] {
  const c: SinkCase = {
    factory,
    input: options.sampleInput ?? defaultSamples,
    kindOf: (s) => options.inputKind ?? s.accepts[0]!,
  };
  const checks: ContractCheck[] = [
    shapeCheck('sink', factory, options.capabilities ?? {}),
    lifecycleCheck('sink', factory, wrap),
    deadlineCheck('sink', factory),
    countsCheck(c),
    stopRaceCheck(c),
    afterStopCheck(c),
    mutationCheck(c),
    fanOutCheck(c),
  ];
  if (options.badOptions) {
    checks.splice(1, 0, badOptionsCheck('sink', factory, options.badOptions, options.optionsErrorPlugin));
  }
  if (options.capabilities?.flush) checks.push(flushCheck(c));
  if (options.capabilities?.healthcheck) checks.push(healthCheck('sink', factory, wrap));
  return checks;
}

interface SinkCase {
  factory: () => Sink;
  input: SampleInput;
  kindOf: (s: Sink) => SinkInputKind;
}

const fed = (h: Harness, sink: Sink, c: SinkCase): Promise<Fed> =>
  feedSinks(h, c.kindOf(sink), c.input, sink.accepts.includes('findings'));

function countsCheck(c: SinkCase): ContractCheck {
  const { factory } = c;
  return {
    name: 'sent/dropped/error events and stats carry exact counts for a known input',
    async run() {
      const sink = make('sink', factory);
      const h = wrap(sink);
      await h.pipeline.start();
      const expected = expectedItems(await fed(h, sink, c), sink.accepts);
      await h.pipeline.stop();
      expect(h.tally.errors.map((e) => e.message)).toEqual([]);
      expect(h.tally.sent[sink.name] ?? 0, `'sent' events for ${sink.name}`).toBe(expected);
      expect(h.tally.dropped[sink.name] ?? 0, `'dropped' events for ${sink.name}`).toBe(0);
      if (sink.name in h.tally.received) expect(h.tally.received[sink.name]).toBe(expected);
      const stats = h.pipeline.stats().plugins[sink.name]!;
      expect({ received: stats.received, sent: stats.sent, dropped: stats.dropped }).toEqual({
        received: expected,
        sent: expected,
        dropped: 0,
      });
    },
  };
}

function stopRaceCheck(c: SinkCase): ContractCheck {
  const { factory } = c;
  return {
    name: 'delivers an item written just before pipeline.stop()',
    async run() {
      const sink = make('sink', factory);
      const h = wrap(sink);
      await h.pipeline.start();
      const feeding = fed(h, sink, c);
      await h.pipeline.stop();
      const expected = expectedItems(await feeding, sink.accepts);
      expect(h.tally.sent[sink.name] ?? 0, 'items delivered before stop() resolved').toBe(expected);
    },
  };
}

function afterStopCheck(c: SinkCase): ContractCheck {
  const { factory, input, kindOf } = c;
  return {
    name: 'write after stop returns { ok: false } (never throws)',
    async run() {
      const sink = make('sink', factory);
      const h = wrap(sink);
      await h.pipeline.start();
      await h.pipeline.stop();
      const batch = sinkBatchOf(kindOf(sink), h.pipeline.series, input);
      let result: Awaited<ReturnType<Sink['write']>>;
      try {
        result = await within(
          sink.write(batch, testContext({ series: h.pipeline.series })),
          GRACE_MS,
          `${sink.name}: write after stop did not settle`,
        );
      } catch (err) {
        throw new Error(`${sink.name}: write after stop threw; return { ok: false } instead`, {
          cause: err,
        });
      }
      expect(result.ok, 'write after stop must return { ok: false }').toBe(false);
    },
  };
}

function mutationCheck(c: SinkCase): ContractCheck {
  const { factory, input, kindOf } = c;
  return {
    name: 'does not modify the batch it writes',
    async run() {
      const sink = make('sink', factory);
      const ctx = testContext();
      await sink.start?.(ctx);
      const batch = sinkBatchOf(kindOf(sink), ctx.series, input);
      const copy = structuredClone(batch);
      await within(sink.write(batch, ctx), 10_000, `${sink.name}: write did not settle`);
      await sink.stop?.(ctx);
      expect(batch).toEqual(copy);
    },
  };
}

function fanOutCheck(c: SinkCase): ContractCheck {
  const { factory } = c;
  return {
    name: 'keeps receiving while a hanging sink sits beside it (fan-out)',
    async run() {
      const sink = make('sink', factory);
      const stuck = hangingSink({ name: 'testkit-hanging', ignoreSignal: true });
      const h = harness(sink, {
        detectors: sink.accepts.includes('findings') ? [findingsFeeder()] : [],
        sinks: [{ use: stuck, timeoutMs: 60_000, maxRetries: 0 }],
      });
      await h.pipeline.start();
      const expected = expectedItems(await fed(h, sink, c), sink.accepts);
      await waitUntil(
        () => (h.tally.sent[sink.name] ?? 0) >= expected,
        10_000,
        `${sink.name} got ${h.tally.sent[sink.name] ?? 0} of ${expected} items while another sink hung`,
      );
      await h.pipeline.stop({ timeoutMs: 100 });
      expect(stuck.writes, 'the hanging sink was written to').toBeGreaterThan(0);
      expect(h.tally.sent[sink.name]).toBe(expected);
      // the forced shutdown blames every hook still to run at the deadline; only write errors count here
      const own = h.tally.errors.filter((e) => e.plugin === sink.name && e.hook === 'write');
      expect(own.map((e) => e.message)).toEqual([]);
    },
  };
}

function flushCheck(c: SinkCase): ContractCheck {
  const { factory, input, kindOf } = c;
  return {
    name: 'flush() settles after a write, and the pipeline reports no flush error',
    async run() {
      const sink = make('sink', factory);
      const h = wrap(sink);
      await h.pipeline.start();
      await fed(h, sink, c);
      await h.pipeline.stop();
      expect(h.tally.errors.filter((e) => e.hook === 'flush').map((e) => e.message)).toEqual([]);
      const ctx = testContext();
      await sink.start?.(ctx);
      await sink.write(sinkBatchOf(kindOf(sink), ctx.series, input), ctx);
      await within(sink.flush!(ctx), 10_000, `${sink.name}: flush() did not settle`);
      await sink.stop?.(ctx);
    },
  };
}

/**
 * Registers the sink contract suite: shape, bad options, idempotent stop, deadlines, exact event counts,
 * delivery at stop, `{ ok: false }` after stop, no input mutation, fan-out past a hanging sink, and
 * flush/healthcheck when declared. Every case fails on an unhandled rejection.
 * @example
 * testSink(() => fileSink({ path }), { capabilities: { flush: true }, badOptions: () => fileSink({ path: 3 }) });
 */
export function testSink(factory: () => Sink, options: SinkSuiteOptions = {}): void {
  const ctx: SinkSuiteContext = {
    factory,
    harness: wrap,
    sampleInput: options.sampleInput ?? defaultSamples,
  };
  registerSuite('sink', sinkChecks(factory, options), options, ctx);
}
