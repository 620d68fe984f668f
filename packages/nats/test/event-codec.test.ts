import { type Alert, createSeriesRegistry, type Finding, metricBatch } from '@argus/core';
import { describe, expect, it } from 'vitest';
import { encodeMetrics } from '../src/codec.js';
import { decodeBatch, encodeAlerts, encodeFindings } from '../src/event-codec.js';

const finding = (series: number, value: number, id: string): Finding => ({
  id,
  series,
  timestamp: 1_700_000_000_000,
  value,
  score: 0.9,
  kind: 'spike',
  detector: 'zscore',
  explanation: 'far above the usual',
  expected: { value: 1, lower: 0.5, upper: 1.5 },
});

const alert = (name: string, state: Alert['state'], value?: number): Alert => ({
  labels: { alertname: name, job: 'api' },
  annotations: { summary: `${name} is off` },
  state,
  startsAt: 1_700_000_000_000,
  fingerprint: `fp-${name}`,
  origin: 'rules',
  ...(value === undefined ? {} : { value }),
});

describe('findings and alerts on the wire', () => {
  it('findings round-trip into another registry: labels, not ids, travel; non-finite values exact', () => {
    const from = createSeriesRegistry();
    const a = from.intern({ __name__: 'latency', job: 'a' });
    const b = from.intern({ __name__: 'errors', job: 'b' });
    const findings = [
      finding(a, 3, 'f1'),
      finding(b, Number.NaN, 'f2'),
      finding(a, Number.NEGATIVE_INFINITY, 'f3'),
    ];
    const to = createSeriesRegistry();
    to.intern({ __name__: 'unrelated' }); // ids differ between the two registries
    const got = decodeBatch(encodeFindings({ kind: 'findings', findings }, from), to);
    expect(got.kind).toBe('findings');
    if (got.kind !== 'findings') return;
    expect(got.findings.map((f) => to.labels(f.series))).toEqual(findings.map((f) => from.labels(f.series)));
    expect(got.findings.map((f) => ({ ...f, series: 0 }))).toEqual(
      findings.map((f) => ({ ...f, series: 0 })),
    );
  });

  it('alerts round-trip with their states and values (Infinity included)', () => {
    const alerts = [
      alert('HighLatency', 'firing', Number.POSITIVE_INFINITY),
      alert('Down', 'resolved'),
      alert('Slow', 'pending', 2),
    ];
    expect(decodeBatch(encodeAlerts({ kind: 'alerts', alerts }), createSeriesRegistry())).toEqual({
      kind: 'alerts',
      alerts,
    });
  });

  it('decodeBatch reads metric batches too, and names an unknown kind', () => {
    const reg = createSeriesRegistry();
    const id = reg.intern({ __name__: 'up' });
    const m = decodeBatch(
      encodeMetrics(metricBatch(new Int32Array([id]), new Float64Array([1]), new Float64Array([1])), reg),
      reg,
    );
    expect(m.kind).toBe('metrics');
    const bogus = new TextEncoder().encode('{"v":1,"kind":"logs"}');
    const framed = new Uint8Array(4 + bogus.length);
    new DataView(framed.buffer).setUint32(0, bogus.length, true);
    framed.set(bogus, 4);
    expect(() => decodeBatch(framed, reg)).toThrow('unknown batch format (v 1, kind logs)');
  });
});
