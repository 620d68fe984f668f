import type { Labels, LogRecord, MetricBatchBuilder, SeriesRegistry } from '@argus/core';
import { snake } from './internal/azure.js';

/** A Log Analytics result table as the SDK returns it (`datetime` cells are `Date`s, `dynamic` cells parsed). */
export interface Table {
  readonly name: string;
  readonly columnDescriptors: readonly { readonly name?: string; readonly type?: string }[];
  readonly rows: readonly (readonly unknown[])[];
}

/** How a table becomes data: what the `output` option resolves to for one table. */
export interface TableMapping {
  readonly output: 'auto' | 'logs' | 'series';
  readonly timeColumn?: string | undefined;
  readonly valueColumns?: readonly string[] | undefined;
  readonly labelColumns?: readonly string[] | undefined;
  readonly messageColumn?: string | undefined;
  readonly severityColumn?: string | undefined;
  /** Prefix of series names: `<prefix>_<column>`. */
  readonly metricPrefix: string;
  /** Labels added to every record and series (e.g. the workspace). */
  readonly labels: Labels;
}

const NUMERIC = new Set(['int', 'long', 'real', 'decimal']);
const LABEL_TYPES = new Set(['string', 'guid', 'bool']);
const MESSAGE_NAMES = ['message', 'msg', 'rendereddescription', 'description', 'resultdescription'];

interface Shape {
  readonly time: number;
  readonly values: number[];
  readonly labels: number[];
}

function columns(t: Table): { name: string; type: string }[] {
  return t.columnDescriptors.map((c, i) => ({
    name: c.name ?? `column${i}`,
    type: (c.type ?? '').toLowerCase(),
  }));
}

/** Which columns hold time, values and labels; `undefined` when the table cannot be series. */
export function seriesShape(t: Table, m: TableMapping): Shape | undefined {
  const cols = columns(t);
  const index = (n: string): number => cols.findIndex((c) => c.name === n);
  const time = m.timeColumn ? index(m.timeColumn) : cols.findIndex((c) => c.type === 'datetime');
  if (time < 0) return undefined;
  const values = m.valueColumns
    ? m.valueColumns.map(index)
    : cols.flatMap((c, i) => (NUMERIC.has(c.type) ? [i] : []));
  if (values.length === 0 || values.some((i) => i < 0)) return undefined;
  const labels = m.labelColumns
    ? m.labelColumns.map(index).filter((i) => i >= 0)
    : cols.flatMap((c, i) => (LABEL_TYPES.has(c.type) && i !== time ? [i] : []));
  return { time, values, labels };
}

/** Whether a table becomes series (`auto`: it has a time column and at least one numeric column). */
export function isSeriesTable(t: Table, m: TableMapping): boolean {
  if (m.output === 'logs') return false;
  return seriesShape(t, m) !== undefined;
}

function timeOf(cell: unknown): number {
  if (cell instanceof Date) return cell.getTime();
  if (typeof cell === 'string' || typeof cell === 'number') return new Date(cell).getTime();
  return Number.NaN;
}

/** Appends a table's rows as samples; rows without a valid time or with a non-numeric value are skipped (counted). */
export function appendTableSeries(
  b: MetricBatchBuilder,
  reg: SeriesRegistry,
  t: Table,
  m: TableMapping,
): number {
  const shape = seriesShape(t, m);
  if (!shape) throw new Error(`table ${t.name} has no time column and numeric columns to make series from`);
  const cols = columns(t);
  let skipped = 0;
  for (const row of t.rows) {
    const ts = timeOf(row[shape.time]);
    const base: Record<string, string> = { ...m.labels, table: t.name };
    for (const i of shape.labels) base[snake(cols[i]!.name)] = String(row[i] ?? '');
    for (const i of shape.values) {
      const v = row[i];
      if (!Number.isFinite(ts) || typeof v !== 'number') {
        skipped++;
        continue;
      }
      const name = `${m.metricPrefix}_${snake(cols[i]!.name)}`;
      b.push(reg.intern({ ...base, __name__: name }), ts, v);
    }
  }
  return skipped;
}

/** Turns a table's rows into log records: every column in `fields`, a message and a severity picked by name. */
export function tableRecords(t: Table, m: TableMapping, fallbackTime: number): LogRecord[] {
  const cols = columns(t);
  const lower = cols.map((c) => c.name.toLowerCase());
  const find = (want: string | undefined, names: readonly string[]): number =>
    want ? cols.findIndex((c) => c.name === want) : lower.findIndex((n) => names.includes(n));
  const time = m.timeColumn
    ? cols.findIndex((c) => c.name === m.timeColumn)
    : find(undefined, ['timegenerated', 'timestamp']);
  const message = find(m.messageColumn, MESSAGE_NAMES);
  const severity = find(m.severityColumn, ['severitylevel', 'severity', 'level']);
  const labelIdx = (m.labelColumns ?? [])
    .map((n) => cols.findIndex((c) => c.name === n))
    .filter((i) => i >= 0);
  return t.rows.map((row) => {
    const fields: Record<string, unknown> = {};
    cols.forEach((c, i) => {
      fields[c.name] = row[i];
    });
    const labels: Record<string, string> = { ...m.labels, table: t.name };
    for (const i of labelIdx) labels[snake(cols[i]!.name)] = String(row[i] ?? '');
    const ts = time >= 0 ? timeOf(row[time]) : Number.NaN;
    const sev = severity >= 0 ? row[severity] : undefined;
    return {
      timestamp: Number.isFinite(ts) ? ts : fallbackTime,
      labels,
      message: message >= 0 ? String(row[message] ?? '') : JSON.stringify(fields),
      fields,
      ...(sev === undefined || sev === null ? {} : { severity: String(sev) }),
    };
  });
}
