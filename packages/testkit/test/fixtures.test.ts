import { createPipeline, type PluginError, silentLogger } from '@argus/core';
import { describe, expect, it } from 'vitest';
import {
  batchFromRows,
  failingSink,
  fakeClock,
  hangingSink,
  hangingSource,
  manualSource,
  memorySink,
  slowSink,
  testContext,
  throwingDetector,
  throwingProcessor,
  throwingSink,
  throwingSource,
} from './imports.js';

const quiet = { logger: silentLogger, onError: () => undefined };
const up = { __name__: 'up', job: 'a' };

function collectErrors(p: ReturnType<typeof createPipeline>): PluginError[] {
  const errors: PluginError[] = [];
  p.on('error', (e) => void errors.push(e));
  return errors;
}

describe('memorySink and manualSource', () => {
  it('collect pushed samples with labels resolved, and views per kind', async () => {
    const src = manualSource();
    const sink = memorySink();
    const p = createPipeline({ ...quiet, sources: [src], sinks: [sink] });
    const early = src.pushSamples([{ labels: up, value: 1, timestamp: 10 }]);
    await p.start();
    expect(await early).toBe(true);
    await src.push({ kind: 'logs', records: [{ timestamp: 1, labels: up, message: 'hi' }] });
    await src.push({
      kind: 'alertEvents',
      events: [{ labels: { alertname: 'X' }, annotations: {}, status: 'firing', startsAt: 5, origin: 'ext' }],
    });
    await p.stop();
    expect(sink.samples()).toEqual([{ labels: up, timestamp: 10, value: 1 }]);
    expect(sink.logs().map((r) => r.message)).toEqual(['hi']);
    expect(sink.alerts().map((a) => [a.labels['alertname'], a.state])).toEqual([['X', 'firing']]);
    expect(sink.findings()).toEqual([]);
    expect(await src.pushSamples([{ labels: up, value: 2 }])).toBe(false);
  });

  it('memorySink refuses writes after stop, and waitFor resolves or times out with a message', async () => {
    const sink = memorySink({ name: 'm' });
    const ctx = testContext();
    const batch = batchFromRows(ctx.series, [{ labels: up, timestamp: 1, value: 1 }]);
    const waiting = sink.waitFor((s) => s.samples().length === 1, 5_000);
    expect(sink.write(batch, ctx)).toEqual({ ok: true });
    await waiting;
    await expect(sink.waitFor((s) => s.samples().length > 5, 20)).rejects.toThrow(/m\.waitFor.*1 batch/);
    await sink.stop?.(ctx);
    expect(sink.write(batch, ctx)).toMatchObject({ ok: false, retryable: false });
    expect(sink.batches).toHaveLength(1);
  });

  it('manualSource with history serves readRange in batch mode, one batch per timestamp', async () => {
    const history = [3, 1, 2, 9].map((t) => ({ labels: up, timestamp: t * 1_000, value: t }));
    const sink = memorySink();
    const p = createPipeline({ ...quiet, sources: [manualSource({ history })], sinks: [sink] });
    const summary = await p.runBatch({ from: 1_000, to: 4_000, stepMs: 1_000 });
    expect(summary.samples).toBe(3);
    expect(sink.samples().map((r) => r.value)).toEqual([1, 2, 3]);
    expect(sink.batches).toHaveLength(3);
  });
});

describe('misbehaving sinks', () => {
  it('hangingSink: its writes time out and are dropped, while the pipeline still stops', async () => {
    const src = manualSource();
    const hanging = hangingSink();
    const p = createPipeline({
      ...quiet,
      sources: [src],
      sinks: [{ use: hanging, timeoutMs: 30, maxRetries: 0 }],
    });
    const errors = collectErrors(p);
    const dropped: number[] = [];
    p.on('dropped', (e) => void dropped.push(e.count));
    await p.start();
    await src.pushSamples([{ labels: up, value: 1 }]);
    await p.stop({ timeoutMs: 5_000 });
    expect(hanging.writes).toBe(1);
    expect(errors.map((e) => [e.plugin, e.code])).toEqual([['hanging', 'ERR_PLUGIN_TIMEOUT']]);
    expect(dropped).toEqual([1]);
  });

  it('hangingSink ignoring its signal: stop still resolves at its deadline', async () => {
    const src = manualSource();
    const p = createPipeline({ ...quiet, sources: [src], sinks: [hangingSink({ ignoreSignal: true })] });
    await p.start();
    await src.pushSamples([{ labels: up, value: 1 }]);
    await p.stop({ timeoutMs: 50 });
    expect(p.status).toBe('stopped');
  });

  it('throwingSink: a throw is reported naming the sink and hook, and the batch is dropped', async () => {
    const src = manualSource();
    const sink = throwingSink({ name: 'boom' });
    const p = createPipeline({ ...quiet, sources: [src], sinks: [{ use: sink, maxRetries: 0 }] });
    const errors = collectErrors(p);
    await p.start();
    await src.pushSamples([{ labels: up, value: 1 }]);
    await p.stop();
    expect(sink.calls['write']).toBe(1);
    expect(errors.map((e) => [e.plugin, e.hook])).toEqual([['boom', 'write']]);
    expect(errors[0]?.message).toContain('boom: write failed (testkit fixture, call 1)');
    expect(p.stats().plugins['boom']).toMatchObject({ dropped: 1, sent: 0 });
  });

  it('throwingSink can fail start instead, and the pipeline names it', async () => {
    const p = createPipeline({ ...quiet, sinks: [throwingSink({ name: 'bad-start', hooks: ['start'] })] });
    await expect(p.start()).rejects.toMatchObject({ plugin: 'bad-start', hook: 'start' });
  });

  it('slowSink waits on the context clock, so a fake clock drives it', async () => {
    const clock = fakeClock();
    const sink = slowSink({ delayMs: 1_000 });
    const ctx = testContext({ clock });
    let result: unknown;
    void Promise.resolve(
      sink.write(batchFromRows(ctx.series, [{ labels: up, timestamp: 1, value: 1 }]), ctx),
    ).then((r) => (result = r));
    await clock.advanceAsync(999);
    expect(result).toBeUndefined();
    await clock.advanceAsync(1);
    expect(result).toEqual({ ok: true });
    expect(sink.samples()).toHaveLength(1);
  });

  it('failingSink fails failTimes writes, then delivers (retryable), or is dropped at once (not retryable)', async () => {
    const src = manualSource();
    const flaky = failingSink({ name: 'flaky', failTimes: 2 });
    const fatal = failingSink({ name: 'fatal', retryable: false });
    const p = createPipeline({ ...quiet, sources: [src], sinks: [{ use: flaky, maxRetries: 3 }, fatal] });
    await p.start();
    await src.pushSamples([{ labels: up, value: 1 }]);
    await p.stop();
    expect(flaky.attempts).toBe(3);
    expect(flaky.samples()).toHaveLength(1);
    expect(fatal.attempts).toBe(1);
    expect(p.stats().plugins['fatal']).toMatchObject({ dropped: 1, sent: 0 });
  });
});

describe('misbehaving sources, processors and detectors', () => {
  it('hangingSource in start: start fails naming it, with ERR_PLUGIN_TIMEOUT', async () => {
    const p = createPipeline({ ...quiet, sources: [hangingSource({ name: 'stuck', hangIn: 'start' })] });
    await expect(p.start({ startTimeoutMs: 30 })).rejects.toMatchObject({
      code: 'ERR_PLUGIN_TIMEOUT',
      plugin: 'stuck',
    });
  });

  it('hangingSource in poll: the poll times out, is reported, and stop resolves', async () => {
    const src = hangingSource({ name: 'stuck-poll', ignoreSignal: true });
    const p = createPipeline({ ...quiet, sources: [{ use: src, intervalMs: 60_000, timeoutMs: 20 }] });
    const errors = collectErrors(p);
    const health: boolean[] = [];
    p.on('health', (h) => void health.push(h.up));
    await p.start();
    await new Promise((r) => setTimeout(r, 100));
    await p.stop({ timeoutMs: 100 });
    expect(src.calls).toBe(1);
    expect(errors.map((e) => [e.plugin, e.hook, e.code])).toEqual([
      ['stuck-poll', 'poll', 'ERR_PLUGIN_TIMEOUT'],
    ]);
    expect(health).toEqual([false]);
  });

  it('throwingSource: poll errors are reported per call', async () => {
    const src = throwingSource({ name: 'bad-poll' });
    const p = createPipeline({ ...quiet, sources: [{ use: src, intervalMs: 60_000 }] });
    const errors = collectErrors(p);
    await p.start();
    await new Promise((r) => setTimeout(r, 50));
    await p.stop();
    expect(src.calls['poll']).toBe(1);
    expect(errors.map((e) => [e.plugin, e.hook])).toEqual([['bad-poll', 'poll']]);
  });

  it('throwingProcessor: only the chosen call throws; that batch is dropped and later ones flow', async () => {
    const src = manualSource();
    const sink = memorySink();
    const proc = throwingProcessor({ name: 'p', when: (n) => n === 1, error: new Error('kaput') });
    const p = createPipeline({ ...quiet, sources: [src], processors: [proc], sinks: [sink] });
    const errors = collectErrors(p);
    await p.start();
    await src.pushSamples([{ labels: up, value: 1 }]);
    await src.pushSamples([{ labels: up, value: 2 }]);
    await p.stop();
    expect(errors.map((e) => e.message)).toEqual(['[p:process] kaput']);
    expect(sink.samples().map((r) => r.value)).toEqual([2]);
    expect(proc.calls['process']).toBe(2);
  });

  it('throwingDetector: detect errors are reported and data still reaches the sink', async () => {
    const src = manualSource();
    const sink = memorySink();
    const det = throwingDetector({ name: 'd' });
    const p = createPipeline({ ...quiet, sources: [src], detectors: [det], sinks: [sink] });
    const errors = collectErrors(p);
    await p.start();
    await src.pushSamples([{ labels: up, value: 1 }]);
    await p.stop();
    expect(errors.map((e) => [e.plugin, e.hook])).toEqual([['d', 'detect']]);
    expect(sink.samples()).toHaveLength(1);
    expect(det.judge).toBeUndefined();
    expect(throwingDetector({ hooks: ['judge'] }).judge).toBeTypeOf('function');
  });
});
