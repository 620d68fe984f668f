import type {
  Alert,
  AlertBatch,
  Finding,
  FindingBatch,
  Labels,
  MetricBatch,
  SeriesRegistry,
} from '@argus/core';
import { decodeMetrics, readHeader } from './codec.js';

// Findings and alerts on the wire, framed like metric batches (codec.ts): a 4-byte little-endian length, then a
// JSON header, here with no columns after it. A finding's series id belongs to the sender's registry, so findings
// carry an index into the header's label sets, as metric samples do. JSON has no NaN or ±Infinity: an observed
// value that is not finite travels as the string "NaN", "Infinity" or "-Infinity".

const VERSION = 1;

type WireFinding = Omit<Finding, 'series' | 'value'> & { series: number; value: number | string };
type WireAlert = Omit<Alert, 'value'> & { value?: number | string };

interface EventHeader {
  v: number;
  kind: 'findings' | 'alerts';
  series?: Labels[];
  findings?: WireFinding[];
  alerts?: WireAlert[];
}

const toWire = (x: number): number | string => (Number.isFinite(x) ? x : String(x));
const fromWire = (x: number | string): number => (typeof x === 'number' ? x : Number(x));

function frame(header: EventHeader): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(4 + json.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 4);
  return out;
}

/** Encodes a findings batch, resolving each finding's series id to its labels through `registry`. */
export function encodeFindings(batch: FindingBatch, registry: SeriesRegistry): Uint8Array {
  const index = new Map<number, number>();
  const series: Labels[] = [];
  const findings = batch.findings.map((f): WireFinding => {
    let k = index.get(f.series);
    if (k === undefined) {
      k = series.length;
      index.set(f.series, k);
      series.push(registry.labels(f.series));
    }
    return { ...f, series: k, value: toWire(f.value) };
  });
  return frame({ v: VERSION, kind: 'findings', series, findings });
}

/** Encodes an alerts batch (alerts carry their labels already). */
export function encodeAlerts(batch: AlertBatch): Uint8Array {
  const alerts = batch.alerts.map(
    (a): WireAlert => (a.value === undefined ? a : { ...a, value: toWire(a.value) }),
  );
  return frame({ v: VERSION, kind: 'alerts', alerts });
}

/** Decodes what {@link encodeFindings} or {@link encodeAlerts} wrote; findings' series are interned in `registry`. */
export function decodeEvents(
  bytes: Uint8Array,
  registry: SeriesRegistry,
  read: ReturnType<typeof readHeader> = readHeader(bytes),
): FindingBatch | AlertBatch {
  const { header, v, kind } = read;
  const h = header as EventHeader;
  if (v !== VERSION || (kind !== 'findings' && kind !== 'alerts')) {
    throw new Error(
      `unknown batch format (v ${v}, kind ${kind}); this reader knows v ${VERSION} findings and alerts`,
    );
  }
  if (kind === 'alerts') {
    const alerts = (h.alerts ?? []).map(
      (a): Alert => (a.value === undefined ? (a as Alert) : { ...a, value: fromWire(a.value) }),
    );
    return { kind: 'alerts', alerts };
  }
  const ids = (h.series ?? []).map((l) => registry.intern(l));
  const findings = (h.findings ?? []).map((f, i): Finding => {
    const id = ids[f.series];
    if (id === undefined)
      throw new Error(`finding ${i} names series ${f.series}, the batch has ${ids.length}`);
    return { ...f, series: id, value: fromWire(f.value) };
  });
  return { kind: 'findings', findings };
}

/** Decodes any batch a `natsSink` published: metrics, findings or alerts, by the kind its header names. */
export function decodeBatch(
  bytes: Uint8Array,
  registry: SeriesRegistry,
): MetricBatch | FindingBatch | AlertBatch {
  const read = readHeader(bytes);
  return read.kind === 'metrics' ? decodeMetrics(bytes, registry, read) : decodeEvents(bytes, registry, read);
}
