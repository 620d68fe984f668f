import {
  type Alert,
  type Alerter,
  type AlerterInput,
  defineAlerter,
  type Finding,
  fingerprint,
  type Labels,
  type StageContext,
} from '@argus/core';
import { z } from 'zod';

const schema = z.strictObject({
  name: z.string().default('score-threshold').describe('Plugin name, unique in the pipeline'),
  minScore: z
    .number()
    .min(0)
    .max(1)
    .default(0.6)
    .describe('Finding score at which a point counts as anomalous'),
  forPoints: z.number().int().positive().default(3).describe('Consecutive anomalous points before firing'),
  resolvePoints: z
    .number()
    .int()
    .positive()
    .default(3)
    .describe('Consecutive normal points before resolving'),
  alertname: z.string().default('Anomaly').describe('alertname label when `alertnames` has no entry'),
  alertnames: z
    .record(z.string(), z.string())
    .default({})
    .describe('alertname per metric name (__name__), e.g. { http_request_duration_seconds: HighLatency }'),
  severity: z.string().default('warning').describe('severity label of the alerts'),
});

/** Options of {@link scoreThresholdAlerter}. */
export interface ScoreThresholdOptions {
  /** @default 'score-threshold' */
  name?: string;
  /** Finding score at which a point counts as anomalous. @default 0.6 */
  minScore?: number;
  /** Consecutive anomalous points before firing. @default 3 */
  forPoints?: number;
  /** Consecutive normal points before resolving. @default 3 */
  resolvePoints?: number;
  /** alertname when `alertnames` has no entry for the metric. @default 'Anomaly' */
  alertname?: string;
  /** alertname per metric name (`__name__`). @default {} */
  alertnames?: Record<string, string>;
  /** @default 'warning' */
  severity?: string;
}
type Parsed = z.output<typeof schema>;

interface Track {
  hits: number;
  normals: number;
  firing: Alert | undefined;
  firstHitAt: number;
  peak: Finding | undefined;
  findings: string[];
}

function alertLabels(o: Parsed, series: Labels): Labels {
  const { __name__: metric, ...rest } = series;
  const alertname = (metric !== undefined ? o.alertnames[metric] : undefined) ?? o.alertname;
  return { alertname, ...rest, severity: o.severity };
}

function annotations(series: Labels, f: Finding): Record<string, string> {
  const out: Record<string, string> = {
    summary: f.explanation,
    metric: series['__name__'] ?? '',
    value: String(f.value),
    detector: f.detector,
  };
  if (f.expected) {
    out['expected'] = String(f.expected.value);
    out['band'] = String((f.expected.upper - f.expected.lower) / 2);
  }
  return out;
}

/**
 * Whether `f` is a stronger peak than `p`: a higher score, or with scores equal (they saturate at 1 through an
 * incident) the value farther from what was expected, so the peak shown is the incident's worst value, not the
 * last finding before it ended.
 */
function isPeak(f: Finding, p: Finding): boolean {
  if (f.score !== p.score) return f.score > p.score;
  const dev = (x: Finding): number => Math.abs(x.value - (x.expected?.value ?? 0));
  return dev(f) > dev(p);
}

function fire(o: Parsed, t: Track, ctx: StageContext, id: number, f: Finding): Alert {
  const series = ctx.series.labels(id);
  const labels = alertLabels(o, series);
  return {
    labels,
    annotations: { ...annotations(series, f), firedAt: String(f.timestamp) },
    state: 'firing',
    startsAt: t.firstHitAt,
    fingerprint: fingerprint(labels),
    origin: o.name,
    value: f.value,
    findings: [...t.findings],
  };
}

function resolve(t: Track, ctx: StageContext, id: number, at: number): Alert {
  const firing = t.firing!;
  const peak = t.peak!;
  const series = ctx.series.labels(id);
  return {
    ...firing,
    state: 'resolved',
    endsAt: at,
    value: peak.value,
    annotations: {
      ...annotations(series, peak),
      peak: String(peak.value),
      durationMs: String(at - firing.startsAt),
    },
  };
}

function create(o: Parsed) {
  const tracks = new Map<number, Track>();
  const track = (id: number): Track => {
    let t = tracks.get(id);
    if (!t)
      tracks.set(
        id,
        (t = { hits: 0, normals: 0, firing: undefined, firstHitAt: 0, peak: undefined, findings: [] }),
      );
    return t;
  };
  const step = (id: number, at: number, f: Finding | undefined, ctx: StageContext): Alert | undefined => {
    const t = track(id);
    if (f) {
      if (t.hits === 0 && !t.firing) {
        t.firstHitAt = at;
        t.peak = undefined;
        t.findings = [];
      }
      t.hits++;
      t.normals = 0;
      if (!t.peak || isPeak(f, t.peak)) t.peak = f;
      if (t.findings.length < 100) t.findings.push(f.id);
      if (t.firing || t.hits < o.forPoints) return undefined;
      return (t.firing = fire(o, t, ctx, id, f));
    }
    t.normals++;
    if (!t.firing) t.hits = 0;
    if (!t.firing || t.normals < o.resolvePoints) return undefined;
    const resolved = resolve(t, ctx, id, at);
    t.firing = undefined;
    t.hits = 0;
    return resolved;
  };
  return {
    name: o.name,
    evaluate(input: AlerterInput, ctx: StageContext): Alert[] | undefined {
      const m = input.metrics;
      if (!m) return undefined;
      const hits = new Map<string, Finding>();
      for (const f of input.findings ?? [])
        if (f.score >= o.minScore) hits.set(`${f.series}:${f.timestamp}`, f);
      const out: Alert[] = [];
      for (let i = 0; i < m.length; i++) {
        const id = m.series[i]!;
        const at = m.timestamps[i]!;
        const a = step(id, at, hits.get(`${id}:${at}`), ctx);
        if (a) out.push(a);
      }
      return out;
    },
    // pending and firing tracks survive a restart, keyed by labels (series ids are per process), so a firing
    // alert resolves after the restart instead of being forgotten
    snapshot(ctx: StageContext): unknown {
      const series: Record<string, { labels: Labels; track: Track }> = {};
      for (const [id, t] of tracks) {
        if (t.hits === 0 && !t.firing) continue;
        series[ctx.series.fingerprint(id)] = { labels: ctx.series.labels(id), track: t };
      }
      return { version: 1, series };
    },
    restore(state: unknown, ctx: StageContext): void {
      const series = (state as { series?: Record<string, { labels: Labels; track: Track }> })?.series;
      if (typeof series !== 'object' || series === null)
        throw new TypeError(`${o.name}: snapshot has no series map`);
      for (const { labels, track: t } of Object.values(series)) {
        const id = ctx.series.intern(labels);
        if (id < 0 || typeof t?.hits !== 'number') continue;
        tracks.set(id, { ...t, peak: t.peak ? { ...t.peak, series: id } : undefined });
      }
    },
  };
}

const factory = defineAlerter({ name: 'score-threshold', options: schema, create });

/**
 * Fires an alert per series after `forPoints` consecutive points with a finding scored ≥ `minScore`, and
 * resolves it after `resolvePoints` normal points. Returns only state changes (firing, resolved); the
 * resolved alert carries the peak finding's value.
 * @example
 * scoreThresholdAlerter({ minScore: 0.6, forPoints: 3, alertnames: { queue_depth: 'QueueBacklog' } })
 */
export function scoreThresholdAlerter(options: ScoreThresholdOptions = {}): Alerter {
  return factory(options);
}
