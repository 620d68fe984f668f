import { styleText } from 'node:util';
import { type Alert, type Finding, formatAlertText, formatMetricValue, type Labels } from '@argus/core';

/** Where the CLI writes; injectable for tests. */
export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Colour output (a TTY without NO_COLOR). */
  color: boolean;
  /** stderr is a terminal: progress lines may redraw themselves. */
  tty?: boolean;
}

/** Formats findings and alerts for humans (one line each) or as JSON lines. */
export interface Printer {
  line(text: string): void;
  json(obj: Record<string, unknown>): void;
  finding(f: Finding, series: Labels): void;
  alert(a: Alert): void;
}

type Style = Parameters<typeof styleText>[0];

function clock(t: number): string {
  const d = new Date(t);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** Formats a value in the unit its metric name implies; the same units as every alert line (core's formatMetricValue). */
export const formatValue: (metric: string, v: number) => string = formatMetricValue;

function short(labels: Labels): string {
  const q = labels['quantile'];
  if (q !== undefined && Number(q) > 0) return `p${Math.round(Number(q) * 100)}`;
  return labels['__name__'] ?? 'value';
}

function labelPairs(labels: Labels, skip: readonly string[]): string {
  return Object.entries(labels)
    .filter(([k]) => !skip.includes(k))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

function expectedText(metric: string, value?: number, band?: number): string {
  if (value === undefined || !Number.isFinite(value)) return '';
  const b =
    band !== undefined && Number.isFinite(band) ? `±${formatValue(metric, band).replace(/^-/, '')}` : '';
  return ` (expected ${formatValue(metric, value)}${b})`;
}

/** Creates a printer over `io`; `json` switches to one JSON object per line. */
export function createPrinter(io: Io, json: boolean): Printer {
  const paint = (style: Style, s: string): string => (io.color ? styleText(style, s) : s);
  const line = (text: string): void => io.stdout(`${text}\n`);
  const out = (obj: Record<string, unknown>): void => line(JSON.stringify(obj));
  return {
    line,
    json: out,
    finding(f, series) {
      if (json) return out({ type: 'finding', at: f.timestamp, series, ...pick(f) });
      const metric = series['__name__'] ?? '';
      const band = f.expected ? (f.expected.upper - f.expected.lower) / 2 : undefined;
      line(
        `${clock(f.timestamp)}  ${paint('dim', `finding  ${f.kind.padEnd(6)}`)}  ${labelPairs(series, ['__name__'])}  ` +
          `${short(series)}=${formatValue(metric, f.value)}${expectedText(metric, f.expected?.value, band)}  score ${f.score.toFixed(2)}`,
      );
    },
    alert(a) {
      if (json) return out({ type: 'alert', ...a });
      line(alertLine(a, paint));
    },
  };
}

function pick(f: Finding): Record<string, unknown> {
  return {
    value: f.value,
    score: f.score,
    kind: f.kind,
    expected: f.expected,
    detector: f.detector,
    explanation: f.explanation,
  };
}

/** The alert text shared with the console notifier and the embedded preset, its state word coloured. */
function alertLine(a: Alert, paint: (s: Style, t: string) => string): string {
  return formatAlertText(a, {
    paint: (state, word) =>
      paint(state === 'resolved' ? 'green' : state === 'firing' ? ['bold', 'red'] : 'dim', word),
  });
}
