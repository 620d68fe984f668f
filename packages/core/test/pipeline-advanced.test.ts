import { describe, expect, it } from 'vitest';
import {
  type Alert,
  type Alerter,
  type AlerterInput,
  API_VERSION,
  createPipeline,
  type Detector,
  eventToAlert,
  type Finding,
  fingerprint,
  MetricBatchBuilder,
  memoryStateStore,
  newFindingId,
  type PluginError,
  type Source,
  type SourceHealth,
} from '../src/index.js';
import { collectSink, gatedSink, manualClock, pushSource, samples, totalSamples } from './helpers.js';

const quiet = { logger: { debug() {}, info() {}, warn() {}, error() {} }, onError: () => {} };

function everyPointDetector(name = 'every'): Detector {
  return {
    kind: 'detector',
    name,
    apiVersion: API_VERSION,
    detect(b) {
      const out: Finding[] = [];
      for (let i = 0; i < b.length; i++)
        out.push({
          id: newFindingId(),
          series: b.series[i]!,
          timestamp: b.timestamps[i]!,
          value: b.values[i]!,
          score: 0.5,
          kind: 'spike',
          detector: name,
          explanation: 'test',
        });
      return out;
    },
  };
}

function recordingAlerter(inputs: AlerterInput[]): Alerter {
  return {
    kind: 'alerter',
    name: 'rec',
    apiVersion: API_VERSION,
    evaluate(input) {
      inputs.push(input);
      const out: Alert[] = [];
      for (const f of input.updatedFindings ?? []) {
        const labels = { alertname: 'Judged', finding: f.id };
        out.push({
          labels,
          annotations: {},
          state: 'firing',
          startsAt: f.timestamp,
          fingerprint: fingerprint(labels),
          origin: 'rec',
          value: f.score,
        });
      }
      return out;
    },
  };
}

describe('asynchronous detectors', () => {
  it('judge runs off the hot path and its late verdict updates the finding and reaches alerters and sinks', async () => {
    const src = pushSource();
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const judge: Detector = {
      kind: 'detector',
      name: 'llm',
      apiVersion: API_VERSION,
      select: (f) => f.value > 5,
      async judge(findings) {
        await gate;
        return findings.map((f) => ({
          findingId: f.id,
          verdict: { detector: 'llm', score: 0.9, confirmed: true, explanation: 'really odd', at: 1 },
        }));
      },
    };
    const inputs: AlerterInput[] = [];
    const sink = collectSink('out', ['metrics', 'findings', 'alerts']);
    const updated: Finding[] = [];
    const p = createPipeline({
      ...quiet,
      sources: [src],
      detectors: [everyPointDetector(), judge],
      alerters: [recordingAlerter(inputs)],
      sinks: [sink],
    });
    p.on('findingUpdated', (f) => updated.push(f));
    await p.start();
    await src.emit(
      samples([
        [0, 1, 1],
        [0, 2, 10],
      ]),
    );
    // the hot path finished although the judge is still waiting
    expect(totalSamples(sink.batches)).toBeLessThanOrEqual(2);
    expect(updated).toHaveLength(0);
    release();
    await p.stop();
    expect(updated).toHaveLength(1);
    expect(updated[0]).toMatchObject({
      value: 10,
      score: 0.9,
      verdicts: [{ detector: 'llm', confirmed: true }],
    });
    expect(inputs.some((i) => i.updatedFindings?.[0]?.id === updated[0]!.id)).toBe(true);
    const alerts = sink.batches.flatMap((b) => (b.kind === 'alerts' ? b.alerts : []));
    expect(alerts.map((a) => a.labels['finding'])).toEqual([updated[0]!.id]);
    const findingBatches = sink.batches.filter((b) => b.kind === 'findings');
    expect(
      findingBatches.flatMap((b) => (b.kind === 'findings' ? b.findings.map((f) => f.score) : [])),
    ).toEqual([0.5, 0.5, 0.9]);
  });

  it('a rejecting judge is reported and the original findings stand', async () => {
    const src = pushSource();
    const errors: PluginError[] = [];
    const judge: Detector = {
      kind: 'detector',
      name: 'bad-judge',
      apiVersion: API_VERSION,
      judge: async () => Promise.reject(new Error('model offline')),
    };
    const sink = collectSink('out', ['findings']);
    const p = createPipeline({
      ...quiet,
      onError: (e) => errors.push(e),
      sources: [src],
      detectors: [everyPointDetector(), judge],
      sinks: [sink],
    });
    await p.start();
    await src.emit(samples([[0, 1, 1]]));
    await p.stop();
    expect(errors.map((e) => [e.plugin, e.hook])).toEqual([['bad-judge', 'judge']]);
    expect(sink.batches).toHaveLength(1);
  });
});

describe('backpressure and drops', () => {
  it("a full 'block' buffer holds the producer (no drop) and emits blocked; everything arrives", async () => {
    const src = pushSource();
    const slow = collectSink('slow', ['alerts', 'metrics'], async () => {
      await new Promise((r) => setTimeout(r, 5));
      return { ok: true };
    });
    const blocked: string[] = [];
    const p = createPipeline({
      ...quiet,
      sources: [src],
      sinks: [{ use: slow, buffer: { maxItems: 2, whenFull: 'block' } }],
    });
    p.on('blocked', (e) => blocked.push(e.plugin));
    await p.start();
    for (let i = 0; i < 20; i++) await src.emit(samples([[0, i, i]]));
    await p.stop();
    expect(totalSamples(slow.batches)).toBe(20);
    expect(blocked.length).toBeGreaterThan(0);
    expect(p.stats().plugins['slow']!.dropped).toBe(0);
  });

  it('dropNewest counts every drop; dropped events add up to the exact total', async () => {
    const src = pushSource();
    const { sink, release } = gatedSink('gated');
    let droppedEvents = 0;
    const p = createPipeline({
      ...quiet,
      sources: [src],
      sinks: [{ use: sink, buffer: { maxBatches: 3, whenFull: 'dropNewest' } }],
    });
    p.on('dropped', (e) => (droppedEvents += e.count));
    await p.start();
    for (let i = 0; i < 10; i++) await src.emit(samples([[0, i, i]]));
    release();
    await p.stop();
    const s = p.stats().plugins['gated']!;
    expect(s.sent + s.dropped).toBe(10);
    expect(s.dropped).toBe(7);
    expect(droppedEvents).toBe(7);
  });

  it('retries a retryable failure with backoff and then delivers', async () => {
    const src = pushSource();
    let calls = 0;
    const sink = collectSink('flaky', ['metrics'], () =>
      ++calls < 3 ? { ok: false, retryable: true, error: new Error('503') } : { ok: true },
    );
    const errors: PluginError[] = [];
    const p = createPipeline({ ...quiet, onError: (e) => errors.push(e), sources: [src], sinks: [sink] });
    await p.start();
    await src.emit(samples([[0, 1, 1]]));
    await p.stop({ timeoutMs: 5000 });
    expect(totalSamples(sink.batches)).toBe(1);
    expect(errors.map((e) => e.code)).toEqual(['ERR_SINK_WRITE', 'ERR_SINK_WRITE']);
  });

  it('retries a sink whose write throws (a throw is retryable unless marked otherwise), with one clean message', async () => {
    const src = pushSource();
    let calls = 0;
    const sink = collectSink('thrower', ['metrics'], () => {
      if (++calls < 2) throw new Error('socket hang up');
      return { ok: true };
    });
    const final = collectSink('final', ['metrics'], () => {
      throw Object.assign(new Error('bad request'), { retryable: false });
    });
    const errors: PluginError[] = [];
    const p = createPipeline({
      ...quiet,
      onError: (e) => errors.push(e),
      sources: [src],
      sinks: [sink, final],
    });
    await p.start();
    await src.emit(samples([[0, 1, 1]]));
    await p.stop({ timeoutMs: 5000 });
    expect(totalSamples(sink.batches)).toBe(1);
    expect(p.stats().plugins['final']).toMatchObject({ errors: 1, dropped: 1 });
    expect(errors.map((e) => e.message).sort()).toEqual([
      '[final:write] bad request',
      '[thrower:write] socket hang up',
    ]);
  });

  it('still calls quick stop hooks after the shutdown deadline has passed, and blames only the slow one', async () => {
    const src = pushSource();
    const stopped: string[] = [];
    const hang = collectSink('hang', ['metrics'], () => new Promise(() => {}));
    hang.stop = () => new Promise(() => {});
    const quick = collectSink('quick', ['metrics']);
    quick.stop = () => void stopped.push('quick');
    const errors: PluginError[] = [];
    const p = createPipeline({
      ...quiet,
      onError: (e) => errors.push(e),
      sources: [src],
      sinks: [{ use: hang, timeoutMs: 60_000 }, quick],
    });
    await p.start();
    await src.emit(samples([[0, 1, 1]]));
    await p.stop({ timeoutMs: 50 });
    expect(stopped).toEqual(['quick']);
    expect(errors.filter((e) => e.hook === 'stop').map((e) => [e.plugin, e.code])).toEqual([
      ['hang', 'ERR_PLUGIN_TIMEOUT'],
    ]);
  });

  it('when the stop deadline passes, what is left is dropped as shutdown and counted', async () => {
    const src = pushSource();
    const sink = collectSink('stuck', ['metrics'], () => new Promise(() => {}));
    const p = createPipeline({
      ...quiet,
      sources: [src],
      sinks: [{ use: sink, timeoutMs: 60_000, buffer: { maxItems: 100 } }],
    });
    await p.start();
    for (let i = 0; i < 3; i++) await src.emit(samples([[0, i, i]]));
    await p.stop({ timeoutMs: 50 });
    const s = p.stats().plugins['stuck']!;
    expect(s.dropped).toBe(3);
    expect(p.status).toBe('stopped');
  });

  it("a pending write's signal aborts at the sink's timeoutMs, and the timeout is reported", async () => {
    const src = pushSource();
    const aborted: string[] = [];
    const sink = collectSink('patient', ['metrics']);
    sink.write = (_b, ctx) =>
      new Promise((resolve) => {
        ctx.signal.addEventListener('abort', () => {
          aborted.push((ctx.signal.reason as PluginError).code);
          resolve({ ok: false, retryable: false, error: new Error('aborted') });
        });
      });
    const errors: PluginError[] = [];
    const p = createPipeline({
      ...quiet,
      onError: (e) => errors.push(e),
      sources: [src],
      sinks: [{ use: sink, timeoutMs: 30, maxRetries: 0 }],
    });
    await p.start();
    await src.emit(samples([[0, 1, 1]]));
    await p.stop({ timeoutMs: 2000 });
    expect(aborted).toEqual(['ERR_PLUGIN_TIMEOUT']);
    expect(errors.map((e) => [e.code, e.plugin, e.hook])).toEqual([
      ['ERR_PLUGIN_TIMEOUT', 'patient', 'write'],
    ]);
    expect(p.stats().plugins['patient']!.dropped).toBe(1);
  });

  it('refuses samples of series past maxSeries and reports them as dropped', async () => {
    const src = pushSource();
    const sink = collectSink('s', ['metrics']);
    const p = createPipeline({ ...quiet, maxSeries: 2, sources: [src], sinks: [sink] });
    const drops: string[] = [];
    p.on('dropped', (e) => drops.push(`${e.plugin}:${e.reason}:${e.count}`));
    await p.start();
    const b = new MetricBatchBuilder();
    for (let i = 0; i < 4; i++) b.pushLabels(p.series, { i: String(i) }, 1, i);
    expect(b.rejected).toBe(2);
    await src.emit(b.build());
    await src.emit(samples([]));
    await p.stop();
    expect(totalSamples(sink.batches)).toBe(2);
    expect(drops).toEqual(['pipeline:seriesLimit:2']);
  });
});

describe('lifecycle policies and health', () => {
  it("onStartError 'ignore' runs without the plugin; 'fail' fails start naming it", async () => {
    const broken: Source = {
      kind: 'source',
      name: 'broken',
      apiVersion: API_VERSION,
      start: () => Promise.reject(new Error('ECONNREFUSED')),
      poll: () => undefined,
    };
    const sink = collectSink();
    const ok = createPipeline({
      ...quiet,
      sources: [{ use: broken, onStartError: 'ignore' }],
      sinks: [sink],
    });
    await ok.start();
    expect(ok.status).toBe('running');
    await ok.stop();
    const failing = createPipeline({ ...quiet, sources: [broken], sinks: [collectSink()] });
    await expect(failing.start()).rejects.toMatchObject({
      code: 'ERR_PLUGIN_START',
      plugin: 'broken',
      hook: 'start',
      message: expect.stringContaining('ECONNREFUSED'),
    });
  });

  it("onStartError 'retry' keeps trying in the background and starts polling once it works", async () => {
    let attempts = 0;
    const src: Source = {
      kind: 'source',
      name: 'late',
      apiVersion: API_VERSION,
      start() {
        if (++attempts < 2) throw Object.assign(new Error('not yet'), { retryable: true });
      },
      poll: () => samples([[0, Date.now(), 1]]),
    };
    const sink = collectSink('s', ['metrics']);
    const p = createPipeline({
      ...quiet,
      sources: [{ use: src, onStartError: 'retry', intervalMs: 20 }],
      sinks: [sink],
    });
    await p.start();
    const until = Date.now() + 5000;
    while (totalSamples(sink.batches) === 0 && Date.now() < until)
      await new Promise((r) => setTimeout(r, 20));
    await p.stop();
    expect(attempts).toBe(2);
    expect(totalSamples(sink.batches)).toBeGreaterThan(0);
  });

  it('a failing poll marks the source down and alerters see the health change; recovery marks it up', async () => {
    let n = 0;
    const src: Source = {
      kind: 'source',
      name: 'flappy',
      apiVersion: API_VERSION,
      poll() {
        if (++n === 1) throw new Error('scrape failed');
        return undefined;
      },
    };
    const inputs: AlerterInput[] = [];
    const health: SourceHealth[] = [];
    const p = createPipeline({
      ...quiet,
      sources: [{ use: src, intervalMs: 10 }],
      alerters: [recordingAlerter(inputs)],
    });
    p.on('health', (h) => health.push(h));
    await p.start();
    const until = Date.now() + 5000;
    while (health.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    await p.stop();
    expect(health.map((h) => h.up)).toEqual([false, true]);
    expect(health[0]!.lastError).toMatch(/scrape failed/);
    expect(inputs.flatMap((i) => i.health ?? []).map((h) => h.up)).toEqual([false, true]);
  });

  it('snapshots detector state at stop and restores it on the next start (keyed by fingerprint)', async () => {
    const state = memoryStateStore();
    const counting = (): Detector & { counts: Map<string, number> } => {
      const counts = new Map<string, number>();
      return {
        kind: 'detector',
        name: 'count',
        apiVersion: API_VERSION,
        counts,
        detect(b, ctx) {
          for (let i = 0; i < b.length; i++) {
            const fp = ctx.series.fingerprint(b.series[i]!);
            counts.set(fp, (counts.get(fp) ?? 0) + 1);
          }
          return undefined;
        },
        snapshot: () => Object.fromEntries(counts),
        restore(s) {
          for (const [k, v] of Object.entries(s as Record<string, number>)) counts.set(k, v);
        },
      };
    };
    const run = async (d: ReturnType<typeof counting>): Promise<void> => {
      const src = pushSource();
      const p = createPipeline({ ...quiet, state, sources: [src], detectors: [d] });
      await p.start();
      const b = new MetricBatchBuilder();
      b.pushLabels(p.series, { job: 'a' }, 1, 1);
      await src.emit(b.build());
      await p.stop();
    };
    await run(counting());
    const second = counting();
    await run(second);
    expect([...second.counts.values()]).toEqual([2]);
  });

  it('a throwing event listener is reported and does not break the pipeline', async () => {
    const src = pushSource();
    const sink = collectSink('s', ['metrics']);
    const errors: PluginError[] = [];
    const p = createPipeline({
      ...quiet,
      onError: (e) => errors.push(e),
      sources: [src],
      detectors: [everyPointDetector()],
      sinks: [sink],
    });
    p.on('finding', () => {
      throw new Error('listener bug');
    });
    await p.start();
    await src.emit(samples([[0, 1, 1]]));
    await p.stop();
    expect(totalSamples(sink.batches)).toBe(1);
    expect(errors[0]?.message).toMatch(/'finding' listener threw: listener bug/);
  });
});

describe('detector tick', () => {
  it('runs on the timer with no data, and its findings reach alerters and sinks (absent-series style)', async () => {
    const src = pushSource();
    let lastSeen = 0;
    const absent: Detector = {
      kind: 'detector',
      name: 'absent',
      apiVersion: API_VERSION,
      detect(b) {
        if (b.length > 0) lastSeen = b.timestamps[b.length - 1]!;
        return undefined;
      },
      tick(ctx) {
        if (lastSeen === 0 || ctx.now - lastSeen < 30) return undefined;
        const f: Finding = {
          id: newFindingId(),
          series: 0,
          timestamp: ctx.now,
          value: Number.NaN,
          score: 1,
          kind: 'missing',
          detector: 'absent',
          explanation: 'no data',
        };
        lastSeen = ctx.now;
        return [f];
      },
    };
    const inputs: AlerterInput[] = [];
    const sink = collectSink('out', ['findings']);
    const p = createPipeline({
      ...quiet,
      evaluateIntervalMs: 10,
      sources: [src],
      detectors: [absent],
      alerters: [recordingAlerter(inputs)],
      sinks: [sink],
    });
    await p.start();
    await src.emit(samples([[0, Date.now(), 1]]));
    const until = Date.now() + 5000;
    while (sink.batches.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    await p.stop();
    const kinds = sink.batches.flatMap((b) => (b.kind === 'findings' ? b.findings.map((f) => f.kind) : []));
    expect(kinds[0]).toBe('missing');
    expect(inputs.some((i) => i.findings?.[0]?.kind === 'missing')).toBe(true);
  });
});

describe('timers on the injected clock', () => {
  it('the evaluation timer runs on the pipeline clock, so fake time drives it', async () => {
    const { clock, advance } = manualClock(1_000_000);
    const inputs: AlerterInput[] = [];
    const nows: number[] = [];
    const alerter: Alerter = {
      kind: 'alerter',
      name: 'a',
      apiVersion: API_VERSION,
      evaluate: (i, ctx) => {
        inputs.push(i);
        nows.push(ctx.now);
        return undefined;
      },
    };
    const p = createPipeline({
      ...quiet,
      clock,
      evaluateIntervalMs: 1000,
      sources: [pushSource()],
      alerters: [alerter],
    });
    await p.start();
    await new Promise((r) => setTimeout(r, 30));
    expect(nows).toEqual([]);
    await advance(3000);
    await p.stop();
    expect(nows).toEqual([1_001_000, 1_002_000, 1_003_000]);
  });

  it('a stop hook that never settles is given up on fake time: deadline and grace both run on the clock', async () => {
    const { clock, advance } = manualClock(0);
    const hang = collectSink('hang', ['metrics']);
    hang.stop = () => new Promise(() => {});
    const errors: PluginError[] = [];
    const p = createPipeline({ ...quiet, clock, onError: (e) => errors.push(e), sinks: [hang] });
    await p.start();
    let stopped = false;
    const stopping = p.stop({ timeoutMs: 1000 }).then(() => {
      stopped = true;
    });
    await advance(999);
    expect(stopped).toBe(false);
    // the deadline (1000) and the late grace after it pass on the clock alone, with no real time waited
    await advance(1000);
    expect(stopped).toBe(true);
    await stopping;
    expect(errors.map((e) => [e.plugin, e.hook, e.code])).toEqual([['hang', 'stop', 'ERR_PLUGIN_TIMEOUT']]);
  });
});

describe('logs and external alert events', () => {
  it('external alert events reach alert sinks as alerts when no alerter manages them', async () => {
    const src = pushSource();
    const sink = collectSink('alerts', ['alerts']);
    const p = createPipeline({ ...quiet, sources: [src], sinks: [sink] });
    await p.start();
    await src.emit({
      kind: 'alertEvents',
      events: [
        {
          labels: { alertname: 'VMDown' },
          annotations: {},
          status: 'firing',
          startsAt: 5,
          origin: 'azure-monitor',
        },
      ],
    });
    await src.emit({ kind: 'logs', records: [{ timestamp: 1, labels: {}, message: 'hi' }] });
    await p.stop();
    const alerts = sink.batches.flatMap((b) => (b.kind === 'alerts' ? b.alerts : []));
    expect(alerts).toEqual([
      expect.objectContaining({
        state: 'firing',
        origin: 'azure-monitor',
        fingerprint: fingerprint({ alertname: 'VMDown' }),
      }),
    ]);
  });

  it('eventToAlert: a resolved event ends at its endsAt, or when it started without one; the link is kept', () => {
    const base = { labels: { alertname: 'X' }, annotations: { a: '1' }, startsAt: 10, origin: 'prom' };
    expect(eventToAlert({ ...base, status: 'resolved', endsAt: 20, generatorURL: 'http://g' })).toEqual({
      ...base,
      state: 'resolved',
      endsAt: 20,
      generatorURL: 'http://g',
      fingerprint: fingerprint({ alertname: 'X' }),
    });
    expect(eventToAlert({ ...base, status: 'resolved' })).toMatchObject({ state: 'resolved', endsAt: 10 });
    expect(eventToAlert({ ...base, status: 'firing', endsAt: 99 })).not.toHaveProperty('endsAt');
  });
});

describe('batch mode', () => {
  it('runs the same graph over history, in time order across sources, with progress and data-time now', async () => {
    const history = (name: string, offset: number): Source => ({
      kind: 'source',
      name,
      apiVersion: API_VERSION,
      async *readRange(range, ctx) {
        const id = ctx.series.intern({ src: name });
        const b = new MetricBatchBuilder();
        for (let t = range.from + offset; t < range.to; t += range.stepMs) b.push(id, t, t);
        yield b.build();
      },
    });
    const nows: number[] = [];
    const alerter: Alerter = {
      kind: 'alerter',
      name: 'a',
      apiVersion: API_VERSION,
      evaluate: (_i, ctx) => void nows.push(ctx.now),
    };
    const sink = collectSink('s', ['metrics', 'findings']);
    const progress: number[] = [];
    const p = createPipeline({
      ...quiet,
      sources: [history('h1', 0), history('h2', 5)],
      detectors: [everyPointDetector()],
      alerters: [alerter],
      sinks: [sink],
    });
    p.on('progress', (e) => progress.push(e.fraction));
    const summary = await p.runBatch({ from: 0, to: 100, stepMs: 10, windowMs: 50 });
    expect(summary).toMatchObject({ samples: 20, findings: 20, windows: 2, aborted: false });
    expect(progress).toEqual([0.5, 1]);
    const ts = sink.batches.flatMap((b) => (b.kind === 'metrics' ? Array.from(b.timestamps) : []));
    expect(ts).toEqual([0, 10, 20, 30, 40, 5, 15, 25, 35, 45, 50, 60, 70, 80, 90, 55, 65, 75, 85, 95]);
    expect(nows.every((n) => n <= 100)).toBe(true);
    expect(p.status).toBe('stopped');
  });

  it('refuses a batch run without any history-capable source', async () => {
    const p = createPipeline({ ...quiet, sources: [pushSource()] });
    await expect(p.runBatch({ from: 0, to: 10, stepMs: 1 })).rejects.toMatchObject({
      code: 'ERR_PIPELINE_CONFIG',
    });
  });
});

describe('the host comes first', () => {
  it('yields to the event loop between chunks of a large batch', async () => {
    const src = pushSource();
    const p = createPipeline({
      ...quiet,
      chunkSize: 100,
      sources: [src],
      sinks: [collectSink('s', ['metrics'])],
    });
    await p.start();
    const b = new MetricBatchBuilder();
    for (let i = 0; i < 1000; i++) b.push(0, i, i);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    let immediates = 0;
    const count = (): void => {
      immediates++;
      if (immediates < 1000) setImmediate(count);
    };
    setImmediate(count);
    await src.emit(b.build());
    clearInterval(timer);
    await p.stop();
    // 10 chunks → at least 9 yields, during which other callbacks ran
    expect(immediates).toBeGreaterThanOrEqual(9);
  });

  it('cuts a costly batch into chunks of about one slice each, yielding between them', async () => {
    // a detector that spends at least 0.05 ms on every sample: a chunk of 8192 would hold the loop for 400 ms;
    // a loaded machine only makes each sample dearer, so the chunks only get smaller (no timing luck needed)
    const chunks: number[] = [];
    let immediates = 0;
    let atLastChunk = 0;
    // the detector's own time of each chunk, and whether the loop turned before it: the stage's measured time of a
    // chunk includes the detector's, so a run of chunks the detector alone kept busy for a slice must end in a yield
    const spent: number[] = [];
    const yieldedBefore: boolean[] = [];
    const slow: Detector = {
      kind: 'detector',
      name: 'slow',
      apiVersion: API_VERSION,
      detect(b) {
        yieldedBefore.push(chunks.length > 0 && immediates > atLastChunk);
        atLastChunk = immediates;
        chunks.push(b.length);
        const t0 = performance.now();
        const until = t0 + b.length * 0.05;
        let t = t0;
        while (t < until) t = performance.now();
        spent.push(t - t0);
        return undefined;
      },
    };
    const src = pushSource();
    const sink = collectSink('s', ['metrics']);
    const p = createPipeline({ ...quiet, sources: [src], detectors: [slow], sinks: [sink] });
    await p.start();
    const b = new MetricBatchBuilder();
    for (let i = 0; i < 3000; i++) b.push(0, i, i);
    let done = false;
    const count = (): void => {
      immediates++;
      if (!done) setImmediate(count);
    };
    setImmediate(count);
    await src.emit(b.build());
    done = true;
    await p.stop();
    // the first chunk is taken before the cost is known; every later one is sized to the slice (4 ms / 0.05 ms
    // = 80 samples at most)
    expect(chunks.slice(1).every((n) => n <= 80)).toBe(true);
    expect(chunks.reduce((a, n) => a + n, 0)).toBe(3000);
    // other callbacks ran between the chunks, not only after the batch: once the chunks since the last yield have
    // used three quarters of the 4 ms slice, the next chunk comes only after the loop has turned (how many chunks
    // that takes depends on the machine's load, which only makes them smaller: counted, not assumed)
    expect(chunks.length).toBeGreaterThan(10);
    let busy = 0;
    let yields = 0;
    for (let i = 1; i < chunks.length; i++) {
      busy += spent[i - 1]!;
      if (yieldedBefore[i]) {
        yields++;
        busy = 0;
      } else
        expect(busy, `chunk ${i} ran without a yield after ${busy.toFixed(2)} ms of work`).toBeLessThan(3);
    }
    expect(yields).toBeGreaterThan(0);
    // every sample reached the sink once, in order
    const ts = sink.batches.flatMap((x) => (x.kind === 'metrics' ? [...x.timestamps] : []));
    expect(ts).toEqual(Array.from({ length: 3000 }, (_, i) => i));
  });
});
