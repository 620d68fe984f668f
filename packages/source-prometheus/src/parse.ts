import { SeriesCache } from './internal/cache.js';
import type { ExpositionLimits } from './internal/limits.js';
import {
  type ExpositionFormat,
  type MetricType,
  type ParsedSeries,
  parseBody,
} from './internal/parse-core.js';

export type { ExpositionLimits } from './internal/limits.js';
export type { ExpositionFormat, MetricType } from './internal/parse-core.js';

/** One sample of a parsed page. */
export interface ParsedSample {
  /** The sample's metric name, e.g. `http_requests_total` or `rpc_duration_seconds_bucket`. */
  readonly name: string;
  /** Labels from the label block (no `__name__`), unescaped. */
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  /** Milliseconds since the epoch, when the line carries a timestamp. */
  readonly timestampMs?: number;
  /** The family (TYPE name) it belongs to, and that family's type. */
  readonly family: string;
  readonly type: MetricType;
  /** An OpenMetrics `_created` line: `value` is a creation time in seconds, not a measurement. */
  readonly created: boolean;
}

/** HELP, TYPE and UNIT of one metric family. */
export interface FamilyMetadata {
  type?: MetricType;
  help?: string;
  unit?: string;
}

/** What {@link parseExposition} returns. */
export interface ParsedExposition {
  readonly samples: readonly ParsedSample[];
  readonly metadata: ReadonlyMap<string, FamilyMetadata>;
}

/** Options of {@link parseExposition}. */
export interface ParseExpositionOptions {
  /** @default 'text' */
  readonly format?: ExpositionFormat;
  readonly limits?: ExpositionLimits;
}

interface Resolved {
  readonly series: ParsedSeries;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * Parses a whole Prometheus text (0.0.4) or OpenMetrics 1.0 page into plain objects: for tests, tools and
 * small pages. The scrape source uses the same parser but writes straight into columnar batches.
 * Throws {@link ExpositionError} naming the line on malformed input.
 * @example
 * const { samples } = parseExposition('# TYPE up gauge\nup{job="node"} 1\n');
 */
export function parseExposition(body: string, options: ParseExpositionOptions = {}): ParsedExposition {
  const samples: ParsedSample[] = [];
  const metadata = new Map<string, FamilyMetadata>();
  // the cache keeps a number per series text: the index of its parsed series here
  const resolved: Resolved[] = [];
  const cache = new SeriesCache();
  parseBody(
    body,
    options.format ?? 'text',
    cache,
    {
      resolve: (series) => resolved.push({ series, labels: pairsToRecord(series.labels) }) - 1,
      sample: (slot, value, ts) => {
        const { series, labels } = resolved[cache.val[slot]!]!;
        const s = { name: series.name, labels, value, family: series.family, type: series.type };
        samples.push(
          Number.isNaN(ts)
            ? { ...s, created: series.created }
            : { ...s, timestampMs: ts, created: series.created },
        );
      },
      metadata: (kind, name, text) => {
        const m = metadata.get(name) ?? {};
        if (kind === 'type') m.type = text as MetricType;
        else m[kind] = text;
        metadata.set(name, m);
      },
    },
    options.limits,
  );
  return { samples, metadata };
}

function pairsToRecord(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < pairs.length; i += 2) out[pairs[i]!] = pairs[i + 1]!;
  return out;
}

/** The format a response's Content-Type announces: OpenMetrics for `application/openmetrics-text`, else text 0.0.4. */
export function formatOf(contentType: string | null | undefined): ExpositionFormat {
  return contentType?.trimStart().toLowerCase().startsWith('application/openmetrics-text')
    ? 'openmetrics'
    : 'text';
}
