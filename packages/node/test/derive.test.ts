import {
  createSeriesRegistry,
  type Labels,
  MetricBatchBuilder,
  type StageContext,
  silentLogger,
} from '@argus/core';
import { describe, expect, it } from 'vitest';
import { consoleNotifier, defaultRules, deriveSeries, watchOnly } from '../src/index.js';

const series = createSeriesRegistry();
const ctx = {
  now: 0,
  mode: 'stream',
  series,
  log: silentLogger,
  metrics: { count() {}, gauge() {} },
} as unknown as StageContext;
const batch = (t: number, samples: [Labels, number][]) => {
  const b = new MetricBatchBuilder();
  for (const [labels, v] of samples) b.push(series.intern(labels), t, v);
  return b.build();
};
const derived = (out: ReturnType<typeof batch>) =>
  Array.from(out.series)
    .map((id, i) => [series.labels(id), out.values[i]] as const)
    .filter(([l]) => l.__name__?.startsWith('argus:'));

describe('deriveSeries', () => {
  const p = deriveSeries({});
  const read = (t: number, sum: number, count: number, ok: number, bad: number) =>
    p.process(
      batch(t, [
        [{ __name__: 'lat_sum', route: '/' }, sum],
        [{ __name__: 'lat_count', route: '/' }, count],
        [{ __name__: 'http_requests_total', status: '200' }, ok],
        [{ __name__: 'http_requests_total', status: '503' }, bad],
      ]),
      ctx,
    );

  it('passes samples through, adds nothing on the first read', () => {
    const out = read(1000, 1, 10, 90, 10);
    expect(out.length).toBe(4);
    expect(derived(out)).toEqual([]);
  });

  it('adds the mean of the interval per label set and the 5xx ratio', () => {
    const out = read(2000, 4, 20, 130, 20); // +3 s over +10 requests; +40 ok, +10 bad
    expect(derived(out)).toEqual([
      [{ __name__: 'argus:lat:mean', route: '/' }, 0.3],
      [{ __name__: 'argus:http_error_ratio' }, 0.2],
    ]);
  });

  it('leaves a gap when nothing happened, and counts a reset from zero', () => {
    expect(derived(read(3000, 4, 20, 130, 20))).toEqual([]);
    const out = read(4000, 1, 2, 3, 1); // counters restarted
    expect(derived(out)).toEqual([
      [{ __name__: 'argus:lat:mean', route: '/' }, 0.5],
      [{ __name__: 'argus:http_error_ratio' }, 0.25],
    ]);
  });

  it('refuses bad options naming the field', () => {
    expect(() => deriveSeries({ statusLabel: '' })).toThrow(/statusLabel/);
  });

  it('keeps each series its role among thousands that play none, read after read', () => {
    // the roles are kept by series id: histogram parts and request counters interned among 3,000 plain gauges, so
    // the kept verdicts span several growths; each read visits the ids in another order
    const reg = createSeriesRegistry();
    const c = { ...ctx, series: reg } as StageContext;
    const d = deriveSeries({});
    const gauges = (k: number): [Labels, number][] =>
      Array.from({ length: 1000 }, (_, i) => [{ __name__: 'queue', i: String(k * 1000 + i) }, i]);
    const parts = (r: number): [Labels, number][] => [
      [{ __name__: 'lat_sum', route: `/r${r}` }, 0],
      [{ __name__: 'lat_count', route: `/r${r}` }, 0],
      [{ __name__: 'http_requests_total', route: `/r${r}`, status: r === 1 ? '500' : '200' }, 0],
    ];
    const layout = [...gauges(0), ...parts(0), ...gauges(1), ...parts(1), ...gauges(2), ...parts(2)];
    const read = (t: number, scale: number, reverse: boolean) => {
      const rows = layout.map(([l, v]) => [
        l,
        l.__name__ === 'queue' ? v : scale * (1 + Number(l.route?.[2] ?? 0)),
      ]);
      if (reverse) rows.reverse();
      const b = new MetricBatchBuilder();
      for (const [l, v] of rows as [Labels, number][]) b.push(reg.intern(l), t, v);
      const out = d.process(b.build(), { ...c, now: t } as StageContext);
      return Array.from(out.series)
        .map((id, i) => [reg.labels(id), out.values[i]] as const)
        .filter(([l]) => l.__name__?.startsWith('argus:'))
        .sort(([a], [b]) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
    };
    expect(read(1000, 1, false)).toEqual([]);
    // every part grew by (1 + r): sums and counts alike, so each mean is 1; requests: 1 + 2 + 3, of which 2 failed
    const expected = [
      [{ __name__: 'argus:http_error_ratio' }, 2 / 6],
      [{ __name__: 'argus:lat:mean', route: '/r0' }, 1],
      [{ __name__: 'argus:lat:mean', route: '/r1' }, 1],
      [{ __name__: 'argus:lat:mean', route: '/r2' }, 1],
    ];
    expect(read(2000, 2, true)).toEqual(expected);
    expect(read(3000, 3, false)).toEqual(expected);
    expect(reg.size).toBeGreaterThan(3000);
  });
});

describe('watchOnly', () => {
  it('gives the detector only the matching series', () => {
    const seen: string[] = [];
    const d = watchOnly(
      {
        kind: 'detector',
        name: 'probe',
        apiVersion: 1,
        detect(b, c) {
          for (const id of b.series) seen.push(c.series.labels(id).__name__!);
          return [];
        },
      },
      '{__name__=~"argus:.+"}',
    );
    d.detect!(
      batch(1, [
        [{ __name__: 'argus:x' }, 1],
        [{ __name__: 'raw_total' }, 2],
      ]),
      ctx,
    );
    expect(seen).toEqual(['argus:x']);
    expect(d.name).toBe('probe');
  });
});

describe('consoleNotifier', () => {
  const send = async (alerts: unknown[], at: number): Promise<string[]> => {
    const lines: string[] = [];
    const r = await consoleNotifier((l) => lines.push(l)).send({ alerts, at } as never, {
      signal: new AbortController().signal,
    });
    expect(r).toEqual({ ok: true });
    return lines;
  };
  const t = (hms: string): number => new Date(`2026-01-05T${hms}`).getTime();

  it('prints one line per alert in the shared alert text: series in words, value, band, duration, reason, hint', async () => {
    const lines = await send(
      [
        {
          status: 'firing',
          labels: { alertname: 'AnomalyDetected', route: '/', severity: 'warning' },
          annotations: {
            summary: 'latency up',
            metric: 'argus:http_request_duration_seconds:mean',
            value: '0.25',
            expected: '0.005',
            lower: '0.002',
            upper: '0.015',
            detector: 'ensemble',
            reason: 'robustZ fired',
          },
          startsAt: t('10:00:00'),
          fingerprint: 'x',
        },
      ],
      t('10:00:05'),
    );
    expect(lines).toEqual([
      '[argus] 10:00:05 FIRING AnomalyDetected (warning): mean http request duration {route=/} is 250ms, ' +
        'expected 5ms (2ms to 15ms), for 5 s (since 10:00:00) — ensemble: robustZ fired. ' +
        'Hint: look at what changed around 10:00:00 (deploys, traffic, dependencies)',
    ]);
  });

  it('prints RESOLVED with how long it lasted and its peak', async () => {
    const lines = await send(
      [
        {
          status: 'resolved',
          labels: { alertname: 'HighErrorRate', severity: 'critical' },
          annotations: { metric: 'argus:http_error_ratio', peak: '0.125' },
          startsAt: t('10:00:00'),
          endsAt: t('10:02:30'),
          fingerprint: 'y',
        },
      ],
      t('10:02:35'),
    );
    expect(lines).toEqual([
      '[argus] 10:02:30 RESOLVED HighErrorRate (critical): http error ratio back to normal after 2 min 30 s, ' +
        'peak 12.5% (since 10:00:00)',
    ]);
  });
});

describe('defaultRules', () => {
  it('has the four rules, and leaves out those set to false', () => {
    expect(defaultRules().map((r) => r.name)).toEqual([
      'rule:EventLoopLagHigh',
      'rule:HeapNearLimit',
      'rule:HighErrorRate',
      'rule:AnomalyDetected',
    ]);
    expect(defaultRules({ heap: false, anomalies: false }).map((r) => r.name)).toEqual([
      'rule:EventLoopLagHigh',
      'rule:HighErrorRate',
    ]);
  });
});
