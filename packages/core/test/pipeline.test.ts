import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  API_VERSION,
  createPipeline,
  type Detector,
  defineSource,
  type Finding,
  newFindingId,
  type PluginError,
  type Processor,
  type Source,
} from '../src/index.js';
import { collectSink, pushSource, samples, totalSamples } from './helpers.js';

const quiet = { logger: { debug() {}, info() {}, warn() {}, error() {} } };

describe('pipeline: data flow', () => {
  it('moves samples source → processor → detector → sink, with findings to sinks that accept them', async () => {
    const src = pushSource();
    const double: Processor = {
      kind: 'processor',
      name: 'double',
      apiVersion: API_VERSION,
      process: (b) => ({ ...b, values: b.values.map((v) => v * 2) }),
    };
    const over10: Detector = {
      kind: 'detector',
      name: 'over10',
      apiVersion: API_VERSION,
      detect(b) {
        const out: Finding[] = [];
        for (let i = 0; i < b.length; i++) {
          if (b.values[i]! > 10)
            out.push({
              id: newFindingId(),
              series: b.series[i]!,
              timestamp: b.timestamps[i]!,
              value: b.values[i]!,
              score: 1,
              kind: 'spike',
              detector: 'over10',
              explanation: '>10',
            });
        }
        return out;
      },
    };
    const metrics = collectSink('metrics', ['metrics']);
    const findings = collectSink('findings', ['findings']);
    const p = createPipeline({
      ...quiet,
      sources: [src],
      processors: [double],
      detectors: [over10],
      sinks: [metrics, findings],
    });
    await p.start();
    await src.emit(
      samples([
        [0, 1, 1],
        [0, 2, 6],
        [0, 3, 2],
      ]),
    );
    await p.stop();
    expect(totalSamples(metrics.batches)).toBe(3);
    const [m] = metrics.batches;
    expect(m?.kind === 'metrics' && Array.from(m.values)).toEqual([2, 12, 4]);
    expect(
      findings.batches.flatMap((b) => (b.kind === 'findings' ? b.findings.map((f) => f.value) : [])),
    ).toEqual([12]);
    const s = p.stats();
    expect(s.plugins['double']).toMatchObject({ received: 3, sent: 3 });
    expect(s.plugins['metrics']).toMatchObject({ received: 3, sent: 3, dropped: 0 });
  });

  it('delivers an item pushed just before stop()', async () => {
    const src = pushSource();
    const sink = collectSink('slow', ['metrics'], async () => {
      await new Promise((r) => setTimeout(r, 20));
      return { ok: true };
    });
    const p = createPipeline({ ...quiet, sources: [src], sinks: [sink] });
    await p.start();
    void src.emit(samples([[0, 1, 1]]));
    await p.stop();
    expect(totalSamples(sink.batches)).toBe(1);
  });

  it('polls a pull source on its schedule without overlapping', async () => {
    let calls = 0;
    let concurrent = 0;
    let maxConcurrent = 0;
    const src: Source = {
      kind: 'source',
      name: 'pull',
      apiVersion: API_VERSION,
      async poll() {
        calls++;
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        await new Promise((r) => setTimeout(r, 30));
        concurrent--;
        return samples([[0, Date.now(), calls]]);
      },
    };
    const sink = collectSink('s', ['metrics']);
    const p = createPipeline({
      ...quiet,
      sources: [{ use: src, intervalMs: 10, timeoutMs: 200 }],
      sinks: [sink],
    });
    await p.start();
    await new Promise((r) => setTimeout(r, 150));
    await p.stop();
    expect(maxConcurrent).toBe(1);
    expect(calls).toBeGreaterThan(1);
    expect(p.stats().plugins['pull']!.custom['skippedTicks']).toBeGreaterThan(0);
    expect(totalSamples(sink.batches)).toBe(calls);
  });

  it('never overlaps a poll that ignored its deadline, and reports the timeout', async () => {
    let concurrent = 0;
    let maxConcurrent = 0;
    const src: Source = {
      kind: 'source',
      name: 'stubborn',
      apiVersion: API_VERSION,
      async poll() {
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        await new Promise((r) => setTimeout(r, 40));
        concurrent--;
        return undefined;
      },
    };
    const errors: PluginError[] = [];
    const p = createPipeline({
      ...quiet,
      onError: (e) => errors.push(e),
      sources: [{ use: src, intervalMs: 5, timeoutMs: 10 }],
    });
    await p.start();
    await new Promise((r) => setTimeout(r, 150));
    await p.stop();
    expect(maxConcurrent).toBe(1);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatchObject({ code: 'ERR_PLUGIN_TIMEOUT', plugin: 'stubborn', hook: 'poll' });
  });

  it('isolates a throwing processor: error reported with plugin and hook, later batches flow', async () => {
    const src = pushSource();
    let n = 0;
    const flaky: Processor = {
      kind: 'processor',
      name: 'flaky',
      apiVersion: API_VERSION,
      process(b) {
        if (n++ === 0) throw new Error('boom');
        return b;
      },
    };
    const sink = collectSink('s', ['metrics']);
    const errors: PluginError[] = [];
    const p = createPipeline({
      ...quiet,
      sources: [src],
      processors: [flaky],
      sinks: [sink],
      onError: (e) => errors.push(e),
    });
    await p.start();
    await src.emit(samples([[0, 1, 1]]));
    await src.emit(samples([[0, 2, 2]]));
    await p.stop();
    expect(totalSamples(sink.batches)).toBe(1);
    expect(errors.map((e) => [e.code, e.plugin, e.hook])).toEqual([
      ['ERR_PLUGIN_FAILED', 'flaky', 'process'],
    ]);
    expect(p.stats().plugins['flaky']).toMatchObject({ errors: 1, dropped: 1 });
  });

  it('one hanging sink does not stall another; its writes time out and are retried then dropped', async () => {
    const src = pushSource();
    const hang = collectSink('hang', ['metrics'], () => new Promise(() => {}));
    const fast = collectSink('fast', ['metrics']);
    const p = createPipeline({
      ...quiet,
      onError: () => {},
      sources: [src],
      sinks: [
        { use: hang, timeoutMs: 20, maxRetries: 0, buffer: { maxItems: 2, whenFull: 'dropOldest' } },
        fast,
      ],
    });
    await p.start();
    for (let i = 0; i < 10; i++) await src.emit(samples([[0, i, i]]));
    await p.stop({ timeoutMs: 2000 });
    expect(totalSamples(fast.batches)).toBe(10);
    const h = p.stats().plugins['hang']!;
    expect(h.sent).toBe(0);
    expect(h.dropped).toBe(10);
  });

  it('stop() is idempotent and works through Symbol.asyncDispose', async () => {
    const p = createPipeline({ ...quiet, sources: [pushSource()], sinks: [collectSink()] });
    await p.start();
    const a = p.stop();
    expect(p.stop()).toBe(a);
    await a;
    await p[Symbol.asyncDispose]();
    expect(p.status).toBe('stopped');
  });
});

describe('pipeline: configuration errors', () => {
  it('refuses a plugin written for another apiVersion, naming both versions', () => {
    const old = {
      kind: 'sink',
      name: 'old-sink',
      apiVersion: 0,
      accepts: ['metrics'],
      write: () => ({ ok: true }),
    };
    expect(() => createPipeline({ sinks: [old as never] })).toThrow(/old-sink.*apiVersion 0.*apiVersion 1/);
  });

  it('refuses duplicate names and misplaced kinds', () => {
    expect(() => createPipeline({ sinks: [collectSink('a'), collectSink('a')] })).toThrow(
      /two plugins are named "a"/,
    );
    expect(() => createPipeline({ sources: [collectSink('x') as never] })).toThrow(
      /sink plugin but was listed under sources/,
    );
  });

  it('reports bad plugin options as one error naming the plugin, field, expectation and given value', () => {
    const factory = defineSource({
      name: 'demo-src',
      options: z.object({ intervalMs: z.number().int().positive(), endpoint: z.url() }),
      create: () => ({ poll: () => undefined }),
    });
    let err: (PluginError & { issues?: unknown[] }) | undefined;
    try {
      factory({ intervalMs: '15s' as never, endpoint: 'nope' });
    } catch (e) {
      err = e as PluginError;
    }
    expect(err?.code).toBe('ERR_PLUGIN_OPTIONS');
    expect(err?.plugin).toBe('demo-src');
    expect(err?.message).toMatch(/intervalMs: .*number.*\(given: "15s"\)/);
    expect(err?.message).toMatch(/endpoint: .*\(given: "nope"\)/);
    expect(err?.issues).toHaveLength(2);
  });

  it('names the plugin whose start misses its deadline', async () => {
    const slow: Source = {
      kind: 'source',
      name: 'slowpoke',
      apiVersion: API_VERSION,
      start: () => new Promise(() => {}),
      poll: () => undefined,
    };
    const p = createPipeline({ ...quiet, sources: [slow] });
    await expect(p.start({ startTimeoutMs: 30 })).rejects.toMatchObject({
      code: 'ERR_PLUGIN_TIMEOUT',
      plugin: 'slowpoke',
      hook: 'start',
    });
  });
});
