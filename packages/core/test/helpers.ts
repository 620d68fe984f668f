// Minimal in-test plugins; the full fixtures live in @argus/testkit, which depends on core (not the reverse).
import {
  API_VERSION,
  type Clock,
  type Emit,
  type MetricBatch,
  MetricBatchBuilder,
  type Sink,
  type SinkBatch,
  type Source,
  type SourceBatch,
  type WriteResult,
} from '../src/index.js';

export function pushSource(name = 'push'): Source & { emit: Emit } {
  let emitFn: Emit | undefined;
  return {
    kind: 'source',
    name,
    apiVersion: API_VERSION,
    listen(emit) {
      emitFn = emit;
    },
    emit: (b: SourceBatch) => (emitFn ? emitFn(b) : Promise.resolve(false)),
  };
}

/** A metrics sink whose writes wait until `release()`: its buffer fills meanwhile. */
export function gatedSink(name: string): { sink: Sink & { batches: SinkBatch[] }; release: () => void } {
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => (release = r));
  const sink = collectSink(name, ['metrics'], async () => {
    await gate;
    return { ok: true };
  });
  return { sink, release };
}

export function collectSink(
  name = 'collect',
  accepts: Sink['accepts'] = ['metrics', 'findings', 'alerts', 'logs'],
  write?: (b: SinkBatch) => Promise<WriteResult> | WriteResult,
): Sink & { batches: SinkBatch[] } {
  const batches: SinkBatch[] = [];
  return {
    kind: 'sink',
    name,
    apiVersion: API_VERSION,
    accepts,
    batches,
    async write(b) {
      if (write) {
        const r = await write(b);
        if (r.ok) batches.push(b);
        return r;
      }
      batches.push(b);
      return { ok: true };
    },
  };
}

export function samples(rows: [series: number, t: number, v: number][]): MetricBatch {
  const b = new MetricBatchBuilder();
  for (const [s, t, v] of rows) b.push(s, t, v);
  return b.build();
}

export function totalSamples(batches: SinkBatch[]): number {
  return batches.reduce((n, b) => n + (b.kind === 'metrics' ? b.length : 0), 0);
}

/** A clock whose time moves only on `advance`, letting promises settle after each timer it fires. */
export function manualClock(start: number): { clock: Clock; advance(ms: number): Promise<void> } {
  let now = start;
  const timers: { at: number; fn: () => void }[] = [];
  const clock: Clock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const t = { at: now + ms, fn };
      timers.push(t);
      return t;
    },
    clearTimeout: (h) => {
      const i = timers.indexOf(h as (typeof timers)[number]);
      if (i >= 0) timers.splice(i, 1);
    },
  };
  const advance = async (ms: number): Promise<void> => {
    const end = now + ms;
    for (;;) {
      const due = timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      timers.splice(timers.indexOf(due), 1);
      now = due.at;
      due.fn();
      await new Promise((r) => setImmediate(r));
    }
    now = end;
    await new Promise((r) => setImmediate(r));
  };
  return { clock, advance };
}
