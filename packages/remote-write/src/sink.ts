import { readFileSync } from 'node:fs';
import {
  type Alert,
  defineSink,
  type Factory,
  type Finding,
  type HttpResponse,
  httpRequest,
  type Labels,
  type MetricBatch,
  type PluginContext,
  type Sink,
  type SinkBatch,
  type WriteResult,
} from '@argus/core';
import { compress } from 'snappyjs';
import { z } from 'zod';
import { encodeWriteRequest, type SeriesSamples, STALE_NAN } from './write-request.js';

/** Options of {@link remoteWriteSink}. */
export interface RemoteWriteSinkOptions {
  /** The receiver's write endpoint, e.g. `http://prometheus:9090/api/v1/write` or VictoriaMetrics' `/api/v1/write`. */
  url: string;
  /** Labels added to every series (Prometheus's `external_labels`), e.g. `{ replica: 'a' }`. @default {} */
  externalLabels?: Record<string, string>;
  /** Samples per request at most. @default 2000 */
  maxSamplesPerSend?: number;
  /** Requests in flight at once for one batch (series are split across them, each series in order). @default 4 */
  concurrency?: number;
  /** `Authorization: Bearer …`; prefer `bearerTokenFile` (read at each send, as Prometheus does). */
  bearerToken?: string;
  bearerTokenFile?: string;
  /** Name of the series findings become (one sample per finding, its score). @default 'argus_anomaly_score' */
  scoreMetric?: string;
  /** Plugin name. @default 'remote-write' */
  name?: string;
}

interface Parsed {
  url: string;
  externalLabels: Record<string, string>;
  maxSamplesPerSend: number;
  concurrency: number;
  bearerToken?: string | undefined;
  bearerTokenFile?: string | undefined;
  scoreMetric: string;
  name?: string | undefined;
}

const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const schema: z.ZodType<Parsed, RemoteWriteSinkOptions> = z
  .strictObject({
    url: z.url({ protocol: /^https?$/ }).describe('Write endpoint of the receiver (http or https)'),
    externalLabels: z
      .record(z.string().regex(labelName, 'must be a valid Prometheus label name'), z.string())
      .default({})
      .describe('Labels added to every series'),
    maxSamplesPerSend: z.number().int().positive().default(2000).describe('Samples per request at most'),
    concurrency: z.number().int().min(1).max(64).default(4).describe('Requests in flight for one batch'),
    bearerToken: z.string().min(1).optional().describe('Bearer token (prefer bearerTokenFile)'),
    bearerTokenFile: z
      .string()
      .min(1)
      .optional()
      .describe('File holding the bearer token, read at each send'),
    scoreMetric: z
      .string()
      .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/)
      .default('argus_anomaly_score'),
    name: z.string().optional().describe('Plugin name'),
  })
  .refine((o) => !(o.bearerToken && o.bearerTokenFile), {
    message: 'give bearerToken or bearerTokenFile, not both',
    path: ['bearerTokenFile'],
  });

// Series labels plus the external ones, sorted by name as the protocol requires
function sortedLabels(labels: Labels, external: Record<string, string>): [string, string][] {
  const all: Record<string, string> = { ...labels };
  for (const [k, v] of Object.entries(external)) if (all[k] === undefined) all[k] = v;
  return Object.entries(all)
    .filter(([, v]) => v !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

interface Pending {
  labels: [string, string][];
  timestamps: number[];
  values: number[];
}

function fromMetrics(b: MetricBatch, ctx: PluginContext, o: Parsed): Pending[] {
  const byId = new Map<number, Pending>();
  for (let i = 0; i < b.length; i++) {
    const id = b.series[i]!;
    let p = byId.get(id);
    if (!p) {
      p = { labels: sortedLabels(ctx.series.labels(id), o.externalLabels), timestamps: [], values: [] };
      byId.set(id, p);
    }
    p.timestamps.push(Math.floor(b.timestamps[i]!));
    p.values.push(b.stale?.[i] === 1 ? STALE_NAN : b.values[i]!);
  }
  return [...byId.values()];
}

function fromFindings(findings: readonly Finding[], ctx: PluginContext, o: Parsed): Pending[] {
  const bySeries = new Map<string, Pending>();
  for (const f of findings) {
    const labels = { ...ctx.series.labels(f.series), __name__: o.scoreMetric, detector: f.detector };
    const key = JSON.stringify(sortedLabels(labels, {}));
    let p = bySeries.get(key);
    if (!p)
      bySeries.set(key, (p = { labels: sortedLabels(labels, o.externalLabels), timestamps: [], values: [] }));
    p.timestamps.push(Math.floor(f.timestamp));
    p.values.push(f.score);
  }
  return [...bySeries.values()];
}

// as Prometheus records alerts: ALERTS{alertname, alertstate="firing", …labels} 1 when an alert fires, and a
// staleness marker on that series when it resolves (the batch carries state changes, not every evaluation)
function fromAlerts(alerts: readonly Alert[], now: number, o: Parsed): Pending[] {
  return alerts
    .filter((a) => a.state === 'firing' || a.state === 'resolved')
    .map((a) => ({
      labels: sortedLabels({ ...a.labels, __name__: 'ALERTS', alertstate: 'firing' }, o.externalLabels),
      timestamps: [Math.floor(a.state === 'resolved' ? (a.endsAt ?? now) : now)],
      values: [a.state === 'resolved' ? STALE_NAN : 1],
    }));
}

/** Splits into requests of at most `max` samples; a series longer than that is cut into consecutive parts. */
function chunk(series: Pending[], max: number): { requests: SeriesSamples[][]; split: boolean } {
  const requests: SeriesSamples[][] = [];
  let current: SeriesSamples[] = [];
  let size = 0;
  let split = false;
  const flush = (): void => {
    if (current.length > 0) requests.push(current);
    current = [];
    size = 0;
  };
  for (const s of series) {
    for (let from = 0; from < s.timestamps.length; ) {
      if (size >= max) flush();
      const take = Math.min(max - size, s.timestamps.length - from);
      if (from > 0 || take < s.timestamps.length) split = true;
      current.push({
        labels: s.labels,
        timestamps: s.timestamps.slice(from, from + take),
        values: s.values.slice(from, from + take),
      });
      size += take;
      from += take;
    }
  }
  flush();
  return { requests, split };
}

class SendError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

function redact(url: string): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.toString();
}

async function send(o: Parsed, body: Uint8Array, signal: AbortSignal): Promise<void> {
  const headers: Record<string, string> = {
    'Content-Encoding': 'snappy',
    'Content-Type': 'application/x-protobuf',
    'User-Agent': 'argus-remote-write',
    'X-Prometheus-Remote-Write-Version': '0.1.0',
  };
  const token = o.bearerTokenFile ? readFileSync(o.bearerTokenFile, 'utf8').trim() : o.bearerToken;
  if (token) headers['Authorization'] = `Bearer ${token}`;
  let res: HttpResponse;
  try {
    // node:http, not the global fetch: after one fetch every later await in the process costs more (Node 20)
    res = await httpRequest(o.url, { method: 'POST', headers, body: compress(body), signal });
  } catch (err) {
    throw new SendError(`${redact(o.url)} unreachable: ${(err as Error).message}`, true);
  }
  if (res.status >= 200 && res.status < 300) {
    res.discard();
    return;
  }
  const text = (await res.text().catch(() => '')).slice(0, 300).trim();
  // as Prometheus's queue manager: 5xx and 429 are retried, any other 4xx means the data is refused for good
  const retryable = res.status >= 500 || res.status === 429;
  throw new SendError(`${redact(o.url)} answered ${res.status}${text ? `: ${text}` : ''}`, retryable);
}

async function inParallel(tasks: (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while (next < tasks.length && failure === undefined) {
      const task = tasks[next++]!;
      try {
        await task();
      } catch (err) {
        failure ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  if (failure !== undefined) throw failure;
}

/**
 * Writes Argus's series (and, when routed here, its findings as `argus_anomaly_score` and its alerts as `ALERTS`)
 * to any Prometheus remote-write 1.0 receiver: Prometheus (`--web.enable-remote-write-receiver`), VictoriaMetrics,
 * Mimir, Thanos. Protobuf + snappy; requests of at most `maxSamplesPerSend` samples, `concurrency` in flight, each
 * series in order. Retries and backoff are the pipeline's (the sink entry's `maxRetries`, its buffer bounds what
 * waits while the receiver is down and counts what is dropped beyond it); 5xx and 429 are retried, other 4xx are
 * not. A retried batch resends only the requests that had not succeeded.
 * @example remoteWriteSink({ url: 'http://victoria:8428/api/v1/write', externalLabels: { replica: 'a' } })
 */
export const remoteWriteSink: Factory<typeof schema, Sink> = defineSink({
  name: 'remote-write',
  options: schema,
  create(o: Parsed) {
    // requests of a batch already delivered, so a retry of the same batch does not write them twice
    const delivered = new WeakMap<SinkBatch, Set<number>>();
    let stopped = false;
    return {
      ...(o.name ? { name: o.name } : {}),
      accepts: ['metrics', 'findings', 'alerts'],
      async write(batch, ctx): Promise<WriteResult> {
        if (stopped) return { ok: false, retryable: false, error: new Error('remote-write sink is stopped') };
        const series =
          batch.kind === 'metrics'
            ? fromMetrics(batch, ctx, o)
            : batch.kind === 'findings'
              ? fromFindings(batch.findings, ctx, o)
              : batch.kind === 'alerts'
                ? fromAlerts(batch.alerts, ctx.clock.now(), o)
                : [];
        const { requests, split } = chunk(series, o.maxSamplesPerSend);
        let done = delivered.get(batch);
        if (!done) delivered.set(batch, (done = new Set()));
        const tasks = requests.map((r, i) => async () => {
          if (done.has(i)) return;
          await send(o, encodeWriteRequest(r), ctx.signal);
          done.add(i);
          ctx.metrics.count(
            'samplesSent',
            r.reduce((n, s) => n + s.timestamps.length, 0),
          );
        });
        try {
          // a series cut into parts must arrive in order: then one request at a time
          await inParallel(tasks, split ? 1 : o.concurrency);
          return { ok: true };
        } catch (err) {
          const e = err as Error;
          return { ok: false, retryable: err instanceof SendError ? err.retryable : true, error: e };
        }
      },
      stop() {
        stopped = true;
      },
    };
  },
});
