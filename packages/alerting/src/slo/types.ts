// The SLO file's shape, written out because exported types may not be inferred from the zod schema
// (isolatedDeclarations); spec.ts checks that the schema produces exactly these.

type LabelValues = Readonly<Record<string, string | number | boolean>>;

/** An SLI as a ratio of events; each query has `{{.window}}` where the range goes. */
export interface EventsSliInput {
  /** Good events per second. Give `good` or `errors`, not both. */
  readonly good?: string;
  /** Bad events per second. */
  readonly errors?: string;
  /** All events per second. */
  readonly total: string;
}

/** An SLI as the share of requests at or under a latency, from a classic histogram. */
export interface LatencySliInput {
  /** The histogram's base name: `<metric>_bucket` and `<metric>_count` are read. */
  readonly metric: string;
  /** A bucket with exactly this `le` must exist. */
  readonly thresholdSeconds: number;
  /** Extra matchers, e.g. `job="api"`. */
  readonly matchers?: string;
  /** Labels to keep (one SLI per value). @default [] */
  readonly by?: readonly string[];
}

/** One of the two alerts (page or ticket). */
export interface SeverityInput {
  /** Add to (or replace) `severity: critical` (page) or `severity: warning` (ticket). */
  readonly labels?: LabelValues;
  /** Leave this alert out. @default false */
  readonly disable?: boolean;
}

/** One SLO as written. */
export interface SloInput {
  readonly name: string;
  readonly description?: string;
  /** Target in percent, e.g. 99.9. */
  readonly objective: number;
  readonly sli: { readonly events: EventsSliInput } | { readonly latency: LatencySliInput };
  /** Labels of the recorded series. */
  readonly labels?: LabelValues;
  readonly alerting?: {
    /** @default the SLO's name in PascalCase + `BudgetBurn` */
    readonly name?: string;
    readonly labels?: LabelValues;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly page?: SeverityInput;
    readonly ticket?: SeverityInput;
  };
}

/** An SLO file as written (YAML or an object). */
export interface SloFileInput {
  readonly version?: 'argus/v1';
  readonly service: string;
  /** The SLO period; the workbook's burn rates scale with it. @default '30d' */
  readonly window?: string;
  /** Evaluation interval of the generated groups. @default '30s' */
  readonly interval?: string;
  /** Labels of every recorded series. */
  readonly labels?: LabelValues;
  readonly slos: readonly SloInput[];
}

/** One SLO after defaults. */
export interface Slo {
  readonly name: string;
  readonly description?: string | undefined;
  readonly objective: number;
  readonly sli:
    | { readonly events: { good?: string | undefined; errors?: string | undefined; total: string } }
    | {
        readonly latency: {
          metric: string;
          thresholdSeconds: number;
          matchers?: string | undefined;
          by: string[];
        };
      };
  readonly labels: Record<string, string>;
  readonly alerting: {
    readonly name?: string | undefined;
    readonly labels: Record<string, string>;
    readonly annotations: Record<string, string>;
    readonly page: { labels: Record<string, string>; disable: boolean };
    readonly ticket: { labels: Record<string, string>; disable: boolean };
  };
}

/** An SLO file after defaults. */
export interface SloFile {
  readonly version?: 'argus/v1' | undefined;
  readonly service: string;
  readonly window: string;
  readonly interval: string;
  readonly labels: Record<string, string>;
  readonly slos: Slo[];
}
