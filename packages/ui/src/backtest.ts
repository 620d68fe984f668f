// Historical analysis jobs as the server answers them (`/api/analysis/jobs`), and the transforms the analysis
// page draws from them. Kept DOM-free so they are unit-tested in node.
import { csvText, rangeFileName } from './export.js';
import { labelText, seriesSelector } from './format.js';

export type JobState = 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface BacktestAlert {
  labels: Record<string, string>;
  state: 'pending' | 'firing' | 'resolved' | 'inactive';
  fingerprint: string;
}

export interface BacktestTransition {
  at: number;
  alert: BacktestAlert;
}

export interface BacktestResult {
  evaluations: number;
  ruleErrors: string[];
  counts: { pending: number; firing: number; resolved: number; inactive: number };
  transitions: BacktestTransition[];
}

export interface JobView {
  id: string;
  type: 'backtest';
  state: JobState;
  phase: 'copying' | 'evaluating' | 'finished';
  progress: { done: number; total: number };
  from: number;
  to: number;
  samples: number;
  createdBy: string;
  createdAt: number;
  finishedAt?: number;
  error?: string;
  result?: BacktestResult;
}

/** What the page shows while a job runs, and how it ended. */
export function progressText(job: JobView): string {
  if (job.state === 'failed') return `failed: ${job.error ?? 'no reason given'}`;
  if (job.state === 'cancelled') return 'cancelled';
  if (job.state === 'succeeded') return `done: ${job.progress.total} evaluations`;
  if (job.phase === 'copying') return `copying history (${job.samples} samples so far)`;
  return `evaluating: ${job.progress.done} of ${job.progress.total}`;
}

/** Share of the job done, 0…1, for a progress bar; undefined while the total is not known yet. */
export function progressShare(job: JobView): number | undefined {
  if (job.state !== 'running') return 1;
  return job.progress.total > 0 ? job.progress.done / job.progress.total : undefined;
}

/** One alert's time firing: from the transition to firing until the next transition away from it. */
export interface FiringSpan {
  fingerprint: string;
  labels: Record<string, string>;
  start: number;
  /** When it stopped firing; the range's end when it still fired there. */
  end: number;
  /** Whether it still fired at the range's end. */
  open: boolean;
}

/**
 * The spans each alert would have spent firing, from a backtest's transitions (time order), in the order the
 * spans began. A span still open at the last transition ends at `to`.
 */
export function firingSpans(transitions: readonly BacktestTransition[], to: number): FiringSpan[] {
  const open = new Map<string, FiringSpan>();
  const out: FiringSpan[] = [];
  for (const { at, alert } of transitions) {
    const cur = open.get(alert.fingerprint);
    if (alert.state === 'firing') {
      if (cur) continue; // already firing: a repeated firing state changes nothing
      const span = { fingerprint: alert.fingerprint, labels: alert.labels, start: at, end: to, open: true };
      open.set(alert.fingerprint, span);
      out.push(span);
    } else if (cur) {
      cur.end = at;
      cur.open = false;
      open.delete(alert.fingerprint);
    }
  }
  return out;
}

/** One lane of the timeline per alert (in order of first firing), each with its spans. */
export function timelineLanes(
  spans: readonly FiringSpan[],
): { labels: Record<string, string>; spans: FiringSpan[] }[] {
  const lanes = new Map<string, { labels: Record<string, string>; spans: FiringSpan[] }>();
  for (const s of spans) {
    const lane = lanes.get(s.fingerprint) ?? { labels: s.labels, spans: [] };
    lane.spans.push(s);
    lanes.set(s.fingerprint, lane);
  }
  return [...lanes.values()];
}

/** What the page asked a backtest to read, when it started the job itself (the server's job view does not say). */
export interface BacktestAsked {
  expr?: string;
  match?: string;
  /** The expression's first series selector, as the server's PromQL parser read it (`GET /api/promql/selectors`). */
  selector?: PromqlSelector | undefined;
}

/** One series selector of an expression: its metric name (when given) and label matchers. */
export interface PromqlSelector {
  name?: string;
  matchers: readonly { name: string; op: string; value: string }[];
}

// a metric name at the start of an expression: `disk_used_ratio > 0.5`, `rate(x[5m])` has none (a function call)
const LEADING_NAME = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?![\s(a-zA-Z0-9_:])/;

/**
 * The series to draw a backtest's firing over: the series selector it was given; else the expression's first
 * selector as the parser read it (its metric name and matchers, `rate(x[5m])` included), or without one the metric
 * name the expression starts with, with the labels every firing alert shares, less those a rule adds (`alertname`,
 * `severity`) and those the selector already matches. Undefined when that selects nothing in particular: the page
 * then asks for a selector.
 */
export function backtestSelector(
  asked: BacktestAsked | undefined,
  spans: readonly FiringSpan[],
): string | undefined {
  if (asked?.match?.trim()) return asked.match.trim();
  const parsed = asked?.selector;
  const name = parsed ? parsed.name : asked?.expr ? LEADING_NAME.exec(asked.expr)?.[1] : undefined;
  const matchers = parsed?.matchers ?? [];
  const [first, ...rest] = spans;
  const common: Record<string, string> = {};
  if (first)
    for (const [k, v] of Object.entries(first.labels))
      if (rest.every((s) => s.labels[k] === v)) common[k] = v;
  const shared = seriesSelector(
    common,
    matchers.map((m) => m.name),
  ).slice(1, -1);
  const parts = [
    ...matchers.map((m) => `${m.name}${m.op}${JSON.stringify(m.value)}`),
    ...(shared ? [shared] : []),
  ];
  if (parts.length === 0) return name;
  return `${name ?? ''}{${parts.join(', ')}}`;
}

/** `POST /api/analysis/jobs`'s body from the page's form: one expression, or a whole rule file. */
export function jobBody(form: {
  kind: 'expr' | 'rules';
  text: string;
  from: number;
  to: number;
  intervalS: number;
  match: string;
}): Record<string, unknown> {
  return {
    type: 'backtest',
    [form.kind]: form.text,
    from: form.from,
    to: form.to,
    ...(form.kind === 'expr' ? { intervalMs: Math.round(form.intervalS * 1000) } : {}),
    ...(form.match.trim() ? { match: form.match.trim() } : {}),
  };
}

const CHANGES_HEADER = ['time_utc', 'timestamp_ms', 'alertname', 'labels', 'state', 'fingerprint'];

/** A backtest's state changes as CSV, one row each, in time order. */
export function transitionsCsv(result: BacktestResult): string {
  return csvText(
    CHANGES_HEADER,
    result.transitions.map(({ at, alert }) => [
      new Date(at).toISOString(),
      at,
      alert.labels.alertname ?? '',
      labelText(alert.labels),
      alert.state,
      alert.fingerprint,
    ]),
  );
}

/** `argus-backtest-20261207T0900Z-20261207T1000Z.csv`. */
export const transitionsFileName = (job: Pick<JobView, 'from' | 'to'>): string =>
  rangeFileName('backtest', job.from, job.to, 'csv');
