import { type Alert, type Finding, fingerprint, type MetricBatch, type SeriesRegistry } from '@argus/core';
import { expect } from 'vitest';

const FINDING_KINDS = [
  'spike',
  'dip',
  'levelShift',
  'trend',
  'seasonalDeviation',
  'forecastBreach',
  'flatline',
  'missing',
];
const ALERT_STATES = ['inactive', 'pending', 'firing', 'resolved'];

/** A metric batch's columns agree in length and its series ids are known to `series`. */
export function expectValidBatch(batch: MetricBatch, series: SeriesRegistry, what: string): void {
  expect(batch.kind, `${what}: kind`).toBe('metrics');
  const n = batch.length;
  expect(
    [batch.series.length, batch.timestamps.length, batch.values.length],
    `${what}: column lengths`,
  ).toEqual([n, n, n]);
  if (batch.stale) expect(batch.stale.length, `${what}: stale column length`).toBe(n);
  for (let i = 0; i < n; i++) {
    expect(() => series.labels(batch.series[i]!), `${what}: row ${i} has an unknown series id`).not.toThrow();
    expect(Number.isFinite(batch.timestamps[i]), `${what}: row ${i} timestamp is finite`).toBe(true);
  }
}

/** A finding has a known series, a score in [0,1], a known kind, its detector's name and an explanation. */
export function expectValidFinding(f: Finding, series: SeriesRegistry, detector: string): void {
  const what = `finding ${JSON.stringify({ ...f, verdicts: undefined })}`;
  expect(typeof f.id === 'string' && f.id.length > 0, `${what}: id`).toBe(true);
  expect(() => series.labels(f.series), `${what}: series id unknown to the registry`).not.toThrow();
  expect(Number.isFinite(f.timestamp), `${what}: timestamp`).toBe(true);
  expect(f.score >= 0 && f.score <= 1, `${what}: score must be in [0,1]`).toBe(true);
  expect(FINDING_KINDS, `${what}: kind`).toContain(f.kind);
  expect(f.detector, `${what}: detector`).toBe(detector);
  expect(typeof f.explanation === 'string' && f.explanation.length > 0, `${what}: explanation`).toBe(true);
  if (f.expected) {
    const { value, lower, upper } = f.expected;
    expect(lower <= value && value <= upper, `${what}: expected.lower ≤ value ≤ upper`).toBe(true);
  }
}

/** An alert has string labels, a known state, a finite start, the fingerprint of its labels and an origin. */
export function expectValidAlert(a: Alert): void {
  const what = `alert ${JSON.stringify(a)}`;
  for (const v of Object.values(a.labels))
    expect(typeof v, `${what}: label values are strings`).toBe('string');
  expect(ALERT_STATES, `${what}: state`).toContain(a.state);
  expect(Number.isFinite(a.startsAt), `${what}: startsAt`).toBe(true);
  expect(a.fingerprint, `${what}: fingerprint of its labels`).toBe(fingerprint(a.labels));
  expect(typeof a.origin === 'string' && a.origin.length > 0, `${what}: origin`).toBe(true);
  if (a.state === 'resolved') expect(Number.isFinite(a.endsAt), `${what}: resolved needs endsAt`).toBe(true);
}
