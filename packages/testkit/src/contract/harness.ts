import {
  API_VERSION,
  createPipeline,
  type Detector,
  type Finding,
  type MetricBatch,
  newFindingId,
  type Pipeline,
  type PipelineOptions,
  type Plugin,
  type PluginError,
  type SeriesRegistry,
  type SinkInputKind,
  silentLogger,
} from '@argus/core';
import { batchFromRows, type SampleRow } from '../context.js';
import { type ManualSource, manualSource } from '../manual-source.js';
import { type MemorySink, memorySink } from '../memory-sink.js';

/** Builds the metric input of a contract case in the case's series registry. */
export type SampleInput = (series: SeriesRegistry) => MetricBatch;

/** Sums of the pipeline's `received`, `sent` and `dropped` events per plugin, and every `error` event. */
export interface EventTally {
  readonly received: Record<string, number>;
  readonly sent: Record<string, number>;
  readonly dropped: Record<string, number>;
  readonly errors: PluginError[];
  /** Stops listening. */
  dispose(): void;
}

/** Listens to a pipeline's counting events and sums them per plugin. */
export function tallyEvents(pipeline: Pipeline): EventTally {
  const received: Record<string, number> = {};
  const sent: Record<string, number> = {};
  const dropped: Record<string, number> = {};
  const errors: PluginError[] = [];
  const add =
    (into: Record<string, number>) =>
    (e: { plugin: string; count: number }): void => {
      into[e.plugin] = (into[e.plugin] ?? 0) + e.count;
    };
  const onReceived = add(received);
  const onSent = add(sent);
  const onDropped = add(dropped);
  const onError = (err: PluginError): void => void errors.push(err);
  pipeline.on('received', onReceived);
  pipeline.on('sent', onSent);
  pipeline.on('dropped', onDropped);
  pipeline.on('error', onError);
  return {
    received,
    sent,
    dropped,
    errors,
    dispose() {
      pipeline.off('received', onReceived);
      pipeline.off('sent', onSent);
      pipeline.off('dropped', onDropped);
      pipeline.off('error', onError);
    },
  };
}

/** Start of the default input's time range (ms since epoch). */
export const T0 = 1_700_000_000_000;
/** Step of the default input (ms). */
export const STEP_MS = 1_000;

/**
 * The default metric input: two series, 40 points each, one second apart, smooth with a little deterministic
 * wobble, and one obvious spike (100 vs ~10) on `instance="a"` at point 30. Rows are in time order.
 */
export function defaultSamples(series: SeriesRegistry): MetricBatch {
  const rows: SampleRow[] = [];
  for (let i = 0; i < 40; i++) {
    for (const instance of ['a', 'b']) {
      const wobble = Math.sin(i / 3) * 0.5 + ((i * 7) % 5) * 0.05;
      const value = instance === 'a' && i === 30 ? 100 : 10 + wobble;
      rows.push({ labels: { __name__: 'testkit_value', instance }, timestamp: T0 + i * STEP_MS, value });
    }
  }
  return batchFromRows(series, rows);
}

/** Splits a time-ordered batch into one batch per distinct timestamp (as a scraper would deliver them). */
export function byTimestamp(batch: MetricBatch): MetricBatch[] {
  const out: MetricBatch[] = [];
  let start = 0;
  for (let i = 1; i <= batch.length; i++) {
    if (i === batch.length || batch.timestamps[i] !== batch.timestamps[start]) {
      out.push(sub(batch, start, i));
      start = i;
    }
  }
  return out;
}

function sub(b: MetricBatch, start: number, end: number): MetricBatch {
  const stale = b.stale?.slice(start, end);
  return {
    kind: 'metrics',
    length: end - start,
    series: b.series.slice(start, end),
    timestamps: b.timestamps.slice(start, end),
    values: b.values.slice(start, end),
    ...(stale ? { stale } : {}),
  };
}

/** Names of the harness's own plugins; a plugin under test must not use them. */
export const HARNESS = { source: 'testkit-in', sink: 'testkit-out', findings: 'testkit-findings' } as const;

/** A detector that turns every sample into one finding, so sinks accepting findings can be fed. */
export function findingsFeeder(): Detector {
  return {
    kind: 'detector',
    name: HARNESS.findings,
    apiVersion: API_VERSION,
    detect(b) {
      const out: Finding[] = [];
      for (let i = 0; i < b.length; i++) {
        out.push({
          id: newFindingId(),
          series: b.series[i]!,
          timestamp: b.timestamps[i]!,
          value: b.values[i]!,
          score: 0.5,
          kind: 'spike',
          detector: HARNESS.findings,
          explanation: 'testkit input',
        });
      }
      return out;
    },
  };
}

/** A pipeline around one plugin: a manual source in front and a memory sink behind (unless it is one). */
export interface Harness {
  readonly pipeline: Pipeline;
  readonly source: ManualSource;
  readonly out: MemorySink;
  readonly tally: EventTally;
}

type Lists = Pick<PipelineOptions, 'sources' | 'processors' | 'detectors' | 'alerters' | 'sinks'>;

/**
 * Builds a pipeline with `plugin` first in its slot, a manual source in front (unless it is a source) and a
 * memory sink behind; plugins in `extra`'s lists are appended after these.
 */
export function harness(plugin: Plugin, extra: Partial<PipelineOptions> = {}): Harness {
  const source = manualSource({ name: HARNESS.source });
  const out = memorySink({ name: HARNESS.sink });
  const lists: Record<keyof Lists, unknown[]> = {
    sources: plugin.kind === 'source' ? [plugin] : [source],
    processors: plugin.kind === 'processor' ? [plugin] : [],
    detectors: plugin.kind === 'detector' ? [plugin] : [],
    alerters: plugin.kind === 'alerter' ? [plugin] : [],
    sinks: plugin.kind === 'sink' ? [plugin, out] : [out],
  };
  for (const key of Object.keys(lists) as (keyof Lists)[]) lists[key].push(...(extra[key] ?? []));
  const pipeline = createPipeline({
    logger: silentLogger,
    onError: () => undefined,
    ...extra,
    ...(lists as Lists),
  });
  return { pipeline, source, out, tally: tallyEvents(pipeline) };
}

/** Which kinds of item reached the sinks, and how many, after {@link feedSinks}. */
export type Fed = Partial<Record<SinkInputKind, number>>;

/**
 * Pushes input of one kind through a harness's manual source; returns what sinks get per kind. With
 * `feeder` (a {@link findingsFeeder} in the pipeline) every metric sample also becomes a finding.
 */
export async function feedSinks(
  h: Harness,
  kind: SinkInputKind,
  input: SampleInput,
  feeder: boolean,
): Promise<Fed> {
  const src = h.source;
  if (kind === 'logs') {
    const records = [1, 2, 3].map((i) => ({
      timestamp: T0 + i,
      labels: { job: 'testkit' },
      message: `line ${i}`,
    }));
    await src.push({ kind: 'logs', records });
    return { logs: records.length };
  }
  if (kind === 'alerts') {
    const events = ['A', 'B', 'C'].map((n) => ({
      labels: { alertname: `Testkit${n}`, severity: 'warning' },
      annotations: { summary: `testkit alert ${n}` },
      status: 'firing' as const,
      startsAt: T0,
      origin: 'testkit',
    }));
    await src.push({ kind: 'alertEvents', events });
    return { alerts: events.length };
  }
  const batch = input(h.pipeline.series);
  await src.push(batch);
  return feeder ? { metrics: batch.length, findings: batch.length } : { metrics: batch.length };
}

/** The number of items a sink accepting `accepts` should get from `fed`. */
export function expectedItems(fed: Fed, accepts: readonly SinkInputKind[]): number {
  return accepts.reduce((n, k) => n + (fed[k] ?? 0), 0);
}

/**
 * Runs a harness once over `input`: start, push it one timestamp at a time (each push awaited), stop.
 * `on` subscribes before start, so nothing the run emits is missed. Returns the samples pushed.
 */
export async function runOnce(h: Harness, input: SampleInput, on?: (p: Pipeline) => void): Promise<number> {
  on?.(h.pipeline);
  await h.pipeline.start();
  let n = 0;
  for (const g of byTimestamp(input(h.pipeline.series))) {
    n += g.length;
    await h.source.push(g);
  }
  await h.pipeline.stop();
  return n;
}
