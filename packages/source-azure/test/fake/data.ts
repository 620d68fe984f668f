// Response bodies of the Azure Monitor REST APIs, shaped as /work/shared/reference/azure-monitor.md documents
// them (ARM metrics §4, metrics:getBatch §2a, Log Analytics §3a), built from a fake data set.

/** A metric of a fake resource. */
export interface FakeMetric {
  readonly unit: string;
  /** Dimension name → its values; the metric splits by these when `$filter` asks (`Name eq '*'`). */
  readonly dimensions?: Readonly<Record<string, readonly string[]>>;
  /** The value at bucket start `ts` for one dimension combination. */
  readonly value: (ts: number, dims: Readonly<Record<string, string>>) => number;
}

/** A fake Azure resource. */
export interface FakeResource {
  readonly id: string;
  readonly region: string;
  readonly metrics: Readonly<Record<string, FakeMetric>>;
}

const GRAIN = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/;

/** ms of an ISO 8601 duration such as PT1M, PT1H, P1D. */
export function grainMs(iso: string): number {
  const m = GRAIN.exec(iso);
  if (!m) throw new Error(`bad interval ${iso}`);
  return ((Number(m[1] ?? 0) * 24 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 60_000;
}

/** Parses `A eq 'x' and B eq '*'` into name → value. */
export function parseFilter(filter: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (!filter) return out;
  for (const part of filter.split(/\s+and\s+/i)) {
    const m = /^\s*(\S+)\s+eq\s+'([^']*)'\s*$/i.exec(part);
    if (!m) throw new Error(`bad filter ${filter}`);
    out[m[1]!] = m[2]!;
  }
  return out;
}

function combos(metric: FakeMetric, filter: Record<string, string>): Record<string, string>[] {
  let out: Record<string, string>[] = [{}];
  for (const [name, want] of Object.entries(filter)) {
    const values = metric.dimensions?.[name] ?? [];
    const chosen = want === '*' ? values : values.filter((v) => v === want);
    out = out.flatMap((c) => chosen.map((v) => ({ ...c, [name]: v })));
  }
  return out;
}

const AGGREGATE: Record<string, (v: number, n: number) => number> = {
  average: (v) => v,
  minimum: (v) => v * 0.8,
  maximum: (v) => v * 1.2,
  total: (v, n) => v * n,
  count: (_v, n) => n,
};

/** What one metric query asks for. */
export interface MetricQuery {
  readonly names: readonly string[];
  readonly aggregations: readonly string[];
  readonly from: number;
  readonly to: number;
  readonly grain: number;
  readonly filter: Record<string, string>;
  /** Bucket starts at or after this have no data yet (only `timeStamp`), as Azure returns the newest buckets. */
  readonly dataUntil: number;
}

/** The `value` array of a metrics response for one resource; `nameOf` shapes `name` (ARM and batch both send `{value, localizedValue}`). */
export function metricValues(r: FakeResource, q: MetricQuery): unknown[] {
  return q.names.map((name) => {
    const metric = Object.entries(r.metrics).find(([n]) => n.toLowerCase() === name.toLowerCase());
    const base = {
      id: `${r.id}/providers/Microsoft.Insights/metrics/${name}`,
      type: 'Microsoft.Insights/metrics',
      name: { value: metric?.[0] ?? name, localizedValue: metric?.[0] ?? name },
      displayDescription: `${name} of the resource`,
    };
    if (!metric) {
      return {
        ...base,
        unit: 'Unspecified',
        errorCode: 'MetricNotFound',
        errorMessage: `Metric ${name} not found`,
        timeseries: [],
      };
    }
    const timeseries = combos(metric[1], q.filter).map((dims) => ({
      metadatavalues: Object.entries(dims).map(([n, v]) => ({
        name: { value: n, localizedValue: n },
        value: v,
      })),
      data: buckets(q).map((ts) => point(metric[1], q, ts, dims)),
    }));
    return { ...base, unit: metric[1].unit, errorCode: 'Success', timeseries };
  });
}

function buckets(q: MetricQuery): number[] {
  const out: number[] = [];
  for (let ts = Math.floor(q.from / q.grain) * q.grain; ts < q.to; ts += q.grain) out.push(ts);
  return out;
}

function point(
  m: FakeMetric,
  q: MetricQuery,
  ts: number,
  dims: Record<string, string>,
): Record<string, unknown> {
  const p: Record<string, unknown> = { timeStamp: new Date(ts).toISOString().replace('.000Z', 'Z') };
  if (ts >= q.dataUntil) return p;
  const v = m.value(ts, dims);
  for (const a of q.aggregations) p[a.toLowerCase()] = AGGREGATE[a.toLowerCase()]!(v, q.grain / 60_000);
  return p;
}
