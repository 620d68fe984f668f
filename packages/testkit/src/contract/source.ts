import type { Source, SourceBatch, TimeRange } from '@argus/core';
import { expect } from 'vitest';
import { testContext } from '../context.js';
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
import { type Harness, harness, STEP_MS, T0 } from './harness.js';
import { expectValidBatch } from './validate.js';

/** What a source suite's `additionalTests` receive. */
export interface SourceSuiteContext {
  readonly factory: () => Source;
  readonly harness: (s: Source) => Harness;
}

/** Options of {@link testSource}. */
export interface SourceSuiteOptions extends SuiteOptions<SourceSuiteContext> {
  capabilities?: { poll?: boolean; listen?: boolean; readRange?: boolean; healthcheck?: boolean };
  /** Makes a started push source emit (e.g. POST to its listener). Polls need nothing: the first runs at start. */
  produce?: (source: Source, harness: Harness) => Promise<unknown>;
  /** The history range read in batch mode. @default one minute from the default input's start */
  range?: TimeRange;
  /** Require the source to produce at least one item in stream mode. @default true when it polls or `produce` is given */
  expectData?: boolean;
}

const wrap = (s: Source): Harness => harness(s, {});

function delivered(h: Harness): number {
  return h.out.samples().length + h.out.logs().length + h.out.alerts().length;
}

async function waitFirstPoll(h: Harness, name: string): Promise<void> {
  const until = Date.now() + 10_000;
  while (h.pipeline.stats().plugins[name]!.latencyMs.count === 0) {
    if (Date.now() > until) throw new Error(`${name}: the first poll did not finish within 10 s`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The source contract as a list of checks (see {@link testSource}). */
export function sourceChecks(factory: () => Source, options: SourceSuiteOptions = {}): ContractCheck[] {
  const caps = options.capabilities ?? {};
  const streams = caps.poll || caps.listen;
  const checks: ContractCheck[] = [
    shapeCheck('source', factory, caps),
    lifecycleCheck('source', factory, wrap),
    deadlineCheck('source', factory),
  ];
  if (options.badOptions) {
    checks.splice(1, 0, badOptionsCheck('source', factory, options.badOptions, options.optionsErrorPlugin));
  }
  if (streams) checks.push(countsCheck(factory, options), stopRaceCheck(factory, options));
  if (caps.poll) checks.push(pollCheck(factory));
  if (caps.listen) checks.push(listenCheck(factory));
  if (caps.readRange) checks.push(rangeCheck(factory, options.range));
  if (caps.healthcheck) checks.push(healthCheck('source', factory, wrap));
  return checks;
}

function countsCheck(factory: () => Source, options: SourceSuiteOptions): ContractCheck {
  const wantData =
    options.expectData ?? (options.capabilities?.poll === true || options.produce !== undefined);
  return {
    name: 'what it sent arrives at the sink, with exact counts in stats and events',
    async run() {
      const src = make('source', factory);
      const h = wrap(src);
      await h.pipeline.start();
      if (options.produce) await options.produce(src, h);
      if (src.poll) await waitFirstPoll(h, src.name);
      await h.pipeline.stop();
      expect(h.tally.errors.map((e) => e.message)).toEqual([]);
      const sent = h.pipeline.stats().plugins[src.name]!.sent;
      if (wantData) expect(sent, `${src.name} produced items`).toBeGreaterThan(0);
      expect(delivered(h), 'items at the sink').toBe(sent);
      expect(h.tally.sent[h.out.name] ?? 0, `'sent' events of the sink`).toBe(sent);
      expect(h.tally.dropped[h.out.name] ?? 0).toBe(0);
    },
  };
}

function stopRaceCheck(factory: () => Source, options: SourceSuiteOptions): ContractCheck {
  return {
    name: 'what it emits just before pipeline.stop() is still delivered',
    async run() {
      const src = make('source', factory);
      const h = wrap(src);
      await h.pipeline.start();
      const producing = options.produce?.(src, h);
      const stopping = h.pipeline.stop();
      await producing;
      await stopping;
      expect(delivered(h)).toBe(h.pipeline.stats().plugins[src.name]!.sent);
    },
  };
}

function pollCheck(factory: () => Source): ContractCheck {
  return {
    name: 'poll() returns valid batches and settles promptly when its signal aborts',
    async run() {
      const src = make('source', factory);
      const ctx = testContext();
      await within(src.start?.(ctx), 10_000, `${src.name}: start() did not settle`);
      const out = await within(src.poll!(ctx), 10_000, `${src.name}: poll() did not settle`);
      const list: readonly SourceBatch[] =
        out === undefined ? [] : Array.isArray(out) ? out : [out as SourceBatch];
      for (const b of list) if (b.kind === 'metrics') expectValidBatch(b, ctx.series, 'poll() output');
      const ctl = new AbortController();
      ctl.abort(new DOMException('deadline passed', 'TimeoutError'));
      const aborted = Promise.resolve(src.poll!(testContext({ signal: ctl.signal, series: ctx.series })));
      await within(
        aborted.catch(() => undefined),
        GRACE_MS,
        `${src.name}: poll() under an aborted signal did not settle within ${GRACE_MS} ms`,
      );
      await src.stop?.(ctx);
    },
  };
}

function listenCheck(factory: () => Source): ContractCheck {
  return {
    name: 'listen() returns promptly instead of blocking until stop',
    async run() {
      const src = make('source', factory);
      const ctx = testContext();
      await within(src.start?.(ctx), 10_000, `${src.name}: start() did not settle`);
      await within(
        src.listen!(async () => true, ctx),
        GRACE_MS,
        `${src.name}: listen() must register its listener and return, not wait for stop`,
      );
      await src.stop?.(ctx);
    },
  };
}

function rangeCheck(factory: () => Source, range: TimeRange | undefined): ContractCheck {
  const r = range ?? { from: T0, to: T0 + 60 * STEP_MS, stepMs: STEP_MS };
  return {
    name: 'readRange() delivers history inside the range, in time order, counted exactly',
    async run() {
      const src = make('source', factory);
      const h = wrap(src);
      const summary = await h.pipeline.runBatch({ ...r, stopTimeoutMs: 10_000 });
      expect(h.tally.errors.map((e) => e.message)).toEqual([]);
      const rows = h.out.samples();
      expect(rows.length, 'samples at the sink').toBe(summary.samples);
      const last = new Map<string, number>();
      for (const row of rows) {
        expect(row.timestamp >= r.from && row.timestamp < r.to, `timestamp ${row.timestamp} in range`).toBe(
          true,
        );
        const key = JSON.stringify(row.labels);
        expect(row.timestamp, `time order of ${key}`).toBeGreaterThanOrEqual(last.get(key) ?? -Infinity);
        last.set(key, row.timestamp);
      }
    },
  };
}

/**
 * Registers the source contract suite: shape, bad options, idempotent stop, deadlines, exact counts,
 * delivery at stop, and poll/listen/readRange/healthcheck cases for the declared capabilities.
 * @example
 * testSource(() => prometheusSource({ endpoint: server.url }), { capabilities: { poll: true } });
 */
export function testSource(factory: () => Source, options: SourceSuiteOptions = {}): void {
  registerSuite('source', sourceChecks(factory, options), options, { factory, harness: wrap });
}
