// How numbers leave the process. `raw` sends values (to four significant digits); `relative` sends each value
// divided by a reference (the finding's expected value, else its own value), so shapes and ratios go out but
// magnitudes do not; `omit` sends no metric values at all. In both of the latter, digits in the statistical
// detector's reason text are masked, since a reason such as "value 97 above 40" carries the raw numbers.
import type { Finding, Labels } from '@argus/core';
import type { Buckets, SummaryData } from './summary.js';

/** What is sent of metric values: see {@link OllamaDetectorOptions.values}. */
export type ValueMode = 'raw' | 'relative' | 'omit';

/** Turns one metric value into what is sent; `null` for a missing value. */
export type ValueOut = (v: number) => number | string | null;

const round = (v: number, digits: number): number => Number(v.toPrecision(digits));

/** The divisor of `relative` mode: the expected value, else the observed one; undefined when both are 0 or absent. */
export function referenceOf(f: Finding): number | undefined {
  for (const r of [f.expected?.value, f.value])
    if (r !== undefined && Number.isFinite(r) && r !== 0) return r;
  return undefined;
}

/** The mapping of values for `mode`; undefined when no value may be sent (`omit`, or `relative` with no reference). */
export function valueOut(mode: ValueMode, f: Finding): ValueOut | undefined {
  return mapping(mode, mode === 'relative' ? referenceOf(f) : 1);
}

function mapping(mode: ValueMode, ref: number | undefined): ValueOut | undefined {
  if (mode === 'omit' || ref === undefined) return undefined;
  const digits = mode === 'relative' ? 3 : 4;
  return (v) => (Number.isNaN(v) ? null : Number.isFinite(v) ? round(v / ref, digits) : String(v));
}

/** A note telling the model how to read the numbers it gets. */
export function valuesNote(mode: ValueMode, out: ValueOut | undefined): string | undefined {
  if (!out) return 'numeric values withheld by configuration';
  if (mode === 'relative')
    return 'values are relative: the finding and its windows to the expected value (1 = expected), each related series to its own mean';
  return undefined;
}

/** The reason text, with digits masked unless raw values may be sent. */
export function reasonText(mode: ValueMode, text: string): string {
  return mode === 'raw' ? text : text.replace(/\d+(?:[.,]\d+)*(?:e[+-]?\d+)?/gi, '#');
}

function windowOut(b: Buckets, out: ValueOut): { min: unknown[]; max: unknown[] } {
  return { min: b.min.map(out), max: b.max.map(out) };
}

const hours = (ms: number): string => (ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : `${ms / 1_000}s`);

// a related series is another quantity: in relative mode it is scaled by its own mean, not the finding's value
function ownMean(b: Buckets): number | undefined {
  const v = [...b.min, ...b.max].filter(Number.isFinite);
  const mean = v.reduce((a, x) => a + x, 0) / v.length;
  return Number.isFinite(mean) && mean !== 0 ? mean : undefined;
}

/**
 * The context sections of the user message: `recent_window`, `same_window_earlier`, `related_series`. When no
 * value may be sent only the related series' names are. `redact` applies the label redaction.
 */
export function contextSections(
  d: SummaryData,
  mode: ValueMode,
  f: Finding,
  redact: (l: Labels) => Labels,
): Record<string, unknown> {
  const out = valueOut(mode, f);
  const s: Record<string, unknown> = {};
  if (out && d.recent) {
    s['recent_window'] = {
      from: new Date(d.recent.from).toISOString(),
      bucket: hours(d.recent.stepMs),
      ...windowOut(d.recent, out),
    };
  }
  if (out && d.seasonal.length > 0) {
    s['same_window_earlier'] = d.seasonal.map((x) => ({
      earlier_by: hours(x.offsetMs),
      ...windowOut(x.window, out),
    }));
  }
  if (d.related.length > 0) {
    s['related_series'] = d.related.map((r) => {
      const own = mapping(mode, mode === 'relative' ? ownMean(r.window) : 1);
      return {
        series: redact(r.labels),
        ...(own ? { bucket: hours(r.window.stepMs), ...windowOut(r.window, own) } : {}),
      };
    });
  }
  return s;
}
