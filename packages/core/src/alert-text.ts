import type { Labels } from './labels.js';

/**
 * What {@link formatAlertText} reads: a core `Alert` (with `state`) or an alert as notified (with `status`).
 * Besides labels it reads these annotations when present: `metric` (the series' metric name: alert labels drop
 * `__name__`), `expected` and `band` (half-width) or `lower`/`upper`, `detector`, `reason` (else `summary`),
 * `firedAt`, `peak`, `runbook_url`, `hint`.
 */
export interface AlertTextInput {
  readonly state?: string;
  readonly status?: string;
  readonly labels: Labels;
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAt: number;
  readonly endsAt?: number;
  readonly value?: number;
  readonly origin?: string;
  readonly generatorURL?: string;
}

/** Options of {@link formatAlertText}. */
export interface AlertTextOptions {
  /** When the text is shown, for "for 12 s" on a firing alert. @default the alert's `firedAt`, else `startsAt` */
  now?: number;
  /** Put before the line, e.g. `[argus]` where the text shares stdout with a service. @default '' */
  prefix?: string;
  /** Styles the state word (e.g. red for FIRING in a terminal). @default none */
  paint?: (state: 'firing' | 'resolved' | 'other', text: string) => string;
}

// labels that say how an alert is routed, or name the series in another way, not which one it is
const NOT_IDENTITY = new Set(['alertname', 'severity', 'series', '__name__', 'quantile', 'le']);

/**
 * One line a person can act on, the same wherever Argus prints alerts (console notifier, CLI, embedded preset):
 * time, state, alert name and severity, the series in words, the value with its unit, the expected band, how
 * long it has lasted, the detector or rule and its reason, and a runbook link or hint. RESOLVED carries the
 * duration and the peak.
 * @example
 * formatAlertText(alert) // '14:03:07 FIRING AnomalyDetected (warning): mean http request duration {route=/api} is 501ms, expected 5.02ms (2.1ms–15.1ms), for 5 s — early: … Hint: …'
 */
export function formatAlertText(a: AlertTextInput, options: AlertTextOptions = {}): string {
  const n = a.annotations;
  const state = a.state ?? a.status ?? 'firing';
  const metric = n['metric'] ?? a.labels['series'] ?? a.labels['__name__'] ?? '';
  const kind = state === 'firing' || state === 'resolved' ? state : 'other';
  const word = options.paint ? options.paint(kind, state.toUpperCase()) : state.toUpperCase();
  const name = a.labels['alertname'] ?? a.origin ?? 'alert';
  const sev = a.labels['severity'] ? ` (${a.labels['severity']})` : '';
  const who = describeSeries(metric, a.labels);
  const head = `${options.prefix ? `${options.prefix} ` : ''}`;
  if (state === 'resolved') {
    const end = a.endsAt ?? options.now ?? a.startsAt;
    const peak = num(n['peak']) ?? a.value;
    const peakText = peak !== undefined ? `, peak ${formatMetricValue(metric, peak)}` : '';
    return (
      `${head}${clock(end)} ${word} ${name}${sev}: ${who} back to normal after ${formatDuration(end - a.startsAt)}` +
      `${peakText} (since ${clock(a.startsAt)})`
    );
  }
  const at = num(n['firedAt']) ?? a.startsAt;
  const value = a.value ?? num(n['value']);
  const valueText = value !== undefined ? ` is ${formatMetricValue(metric, value)}` : '';
  const lasted = Math.max(0, (options.now ?? at) - a.startsAt);
  return (
    `${head}${clock(options.now ?? at)} ${word} ${name}${sev}: ${who}${valueText}${expectedText(metric, n)}, ` +
    `for ${formatDuration(lasted)} (since ${clock(a.startsAt)})${reasonText(a)}${hintText(a, at)}`
  );
}

/** The series in words: `mean http request duration {route=/api}`, `p99 latency {service=checkout}`. */
export function describeSeries(metric: string, labels: Labels): string {
  const agg = /^argus:.+:([a-z]+)$/.exec(metric)?.[1];
  const q = Number(labels['quantile']);
  const pct = labels['quantile'] !== undefined && q > 0 ? `p${Math.round(q * 100)}` : undefined;
  const words = baseName(metric)
    .replace(/_(seconds|bytes)$/, '')
    .replace(/[_:]+/g, ' ')
    .trim();
  const what = [agg, pct, words || 'value'].filter(Boolean).join(' ');
  const rest = Object.entries(labels)
    .filter(([k]) => !NOT_IDENTITY.has(k))
    .map(([k, v]) => `${k}=${v}`);
  return rest.length > 0 ? `${what} {${rest.join(', ')}}` : what;
}

/** Formats `v` in the unit its metric's name carries: `_seconds` as ms/s, `_bytes` as KiB/MiB/GiB, `_ratio` as %. */
export function formatMetricValue(metric: string, v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const base = baseName(metric);
  if (base.endsWith('_seconds')) return Math.abs(v) < 1 ? `${sig(v * 1000)}ms` : `${sig(v)}s`;
  if (base.endsWith('_bytes')) {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let x = v;
    let u = 0;
    while (Math.abs(x) >= 1024 && u < units.length - 1) {
      x /= 1024;
      u++;
    }
    return `${sig(x)}${units[u]}`;
  }
  if (base.endsWith('_ratio')) return `${sig(v * 100)}%`;
  if (base.endsWith('_percent')) return `${sig(v)}%`;
  return sig(v);
}

/** A duration for people: `850 ms`, `12 s`, `4 min 10 s`, `2 h 5 min`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

/** `argus:http_request_duration_seconds:mean` → `http_request_duration_seconds`: the name whose suffix is the unit. */
function baseName(metric: string): string {
  return metric.replace(/^argus:/, '').replace(/:[a-z]+$/, '');
}

/** Three significant digits, no exponent for everyday magnitudes, no trailing zeros. */
function sig(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1000) return String(Math.round(v));
  if (a < 0.001) return v.toExponential(2);
  return String(Number(v.toPrecision(3)));
}

function clock(t: number): string {
  const d = new Date(t);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((x) => String(x).padStart(2, '0')).join(':');
}

function num(s: string | undefined): number | undefined {
  if (s === undefined || s === '') return undefined;
  const v = Number(s);
  return Number.isNaN(v) ? undefined : v;
}

function expectedText(metric: string, n: Readonly<Record<string, string>>): string {
  const e = num(n['expected']);
  if (e === undefined) {
    // a threshold rule: its limit is the band
    const hi = num(n['upper']);
    const lo = num(n['lower']);
    if (hi !== undefined) return `, expected at most ${formatMetricValue(metric, hi)}`;
    return lo !== undefined ? `, expected at least ${formatMetricValue(metric, lo)}` : '';
  }
  const band = num(n['band']);
  const lo = num(n['lower']) ?? (band !== undefined ? e - band : undefined);
  const hi = num(n['upper']) ?? (band !== undefined ? e + band : undefined);
  const range =
    lo !== undefined && hi !== undefined
      ? ` (${formatMetricValue(metric, lo)} to ${formatMetricValue(metric, hi)})`
      : '';
  return `, expected ${formatMetricValue(metric, e)}${range}`;
}

function reasonText(a: AlertTextInput): string {
  const n = a.annotations;
  const reason = n['reason'] ?? n['summary'];
  const by = n['detector'] ?? a.origin;
  if (!reason && !by) return '';
  return ` — ${by ? `${by}` : ''}${by && reason ? ': ' : ''}${reason ?? ''}`;
}

function hintText(a: AlertTextInput, at: number): string {
  const n = a.annotations;
  if (n['runbook_url']) return `. Runbook: ${n['runbook_url']}`;
  if (n['hint']) return `. Hint: ${n['hint']}`;
  if (a.generatorURL) return `. See ${a.generatorURL}`;
  return `. Hint: look at what changed around ${clock(at)} (deploys, traffic, dependencies)`;
}
