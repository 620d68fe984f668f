import {
  type Alert,
  type Alerter,
  type AlerterInput,
  createSeriesRegistry,
  type Finding,
  type Labels,
  type SeriesRegistry,
} from '@argus/core';
import { batchFromRows, type SampleRow, testStageContext } from '@argus/testkit';
import { describe, expect, it } from 'vitest';
import { type AnomalyRuleOptions, anomalyRule } from '../src/index.js';
import { anomalyRule as referenceRule } from './reference/anomaly-rule.js';

// The anomaly rule finds a sample's window and finding by series id (h/cpu13); the reference keys them by strings
// (`${series}@${ts}`, the labels' JSON). Both are fed the same random reads, with series leaving and coming back,
// batches holding two reads, findings off the batch's points or repeated on one point, and a restart into a
// registry that numbers the series differently; every alert and the final snapshot must be equal.

/** xorshift32: the same sequence on every run. */
function random(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const SERIES: Labels[] = Array.from({ length: 12 }, (_, i) => ({
  __name__: i % 3 === 0 ? 'hot' : 'cold',
  instance: `i${i % 4}`,
  job: `j${i % 2}`,
}));

interface Pair {
  series: SeriesRegistry;
  now: Alerter;
  before: Alerter;
}

function start(options: AnomalyRuleOptions, order: number[]): Pair {
  const series = createSeriesRegistry();
  // a restarted process interns its series in another order: the same labels under other ids
  for (const i of order) series.intern(SERIES[i]!);
  return { series, now: anomalyRule(options), before: referenceRule(options) };
}

function run(options: AnomalyRuleOptions, seed: number): { alerts: number } {
  const rnd = random(seed);
  let pair = start(
    options,
    SERIES.map((_, i) => i),
  );
  let alerts = 0;
  let nextFinding = 0;
  const step = (input: AlerterInput, now: number) => {
    const a: Alert[] = [...(pair.now.evaluate(input, testStageContext({ now, series: pair.series })) ?? [])];
    const b: Alert[] = [
      ...(pair.before.evaluate(input, testStageContext({ now, series: pair.series })) ?? []),
    ];
    expect(a).toEqual(b);
    alerts += a.length;
  };
  for (let t = 0; t < 200; t++) {
    if (t === 100) {
      // restart: snapshots restored into new rules over a registry that numbers the series in reverse
      const at = testStageContext({ now: t * 1000, series: pair.series });
      const saved = { now: pair.now.snapshot?.(at), before: pair.before.snapshot?.(at) };
      expect(normalized(saved.now, options)).toEqual(normalized(saved.before, options));
      pair = start(
        options,
        SERIES.map((_, i) => SERIES.length - 1 - i),
      );
      const into = testStageContext({ now: t * 1000, series: pair.series });
      // the new rule restores the old one's snapshot (a window per series, as earlier versions saved them)
      pair.now.restore?.(JSON.parse(JSON.stringify(saved.before)), into);
      pair.before.restore?.(JSON.parse(JSON.stringify(saved.before)), into);
    }
    if (t === 150) {
      // a restore into rules that have run: their state replaced by copies of itself, same registry, same ids
      const at = testStageContext({ now: t * 1000, series: pair.series });
      for (const rule of [pair.now, pair.before])
        rule.restore?.(JSON.parse(JSON.stringify(rule.snapshot?.(at))), at);
    }
    const now = t * 1000;
    const reads = rnd() < 0.15 ? [now - 500, now] : [now];
    const rows: SampleRow[] = [];
    const findings: Finding[] = [];
    for (let s = 0; s < SERIES.length; s++) {
      // series 5 leaves for a while and comes back; others skip a read now and then
      if ((s === 5 && t >= 40 && t < 70) || rnd() < 0.1) continue;
      const id = pair.series.intern(SERIES[s]!);
      for (const ts of reads) {
        rows.push({ labels: SERIES[s]!, timestamp: ts, value: Math.round(rnd() * 100) });
        const hot = (t % 50 < 20 ? 0.6 : 0.2) > rnd();
        const finding = (score: number, at = ts): Finding => ({
          id: `f${nextFinding++}`,
          series: id,
          timestamp: at,
          value: 1,
          score,
          kind: 'spike',
          detector: 'test',
          explanation: 'x',
        });
        if (hot) findings.push(finding(0.3 + rnd() * 0.7));
        // a second finding on the same point: the last one counts
        if (hot && rnd() < 0.2) findings.push(finding(rnd()));
        // a finding on a point that is not in the batch
        if (rnd() < 0.05) findings.push(finding(0.9, ts + 250));
      }
    }
    const shuffled = findings.sort(() => rnd() - 0.5);
    const kind = rnd();
    if (kind < 0.05) step({}, now);
    else if (kind < 0.12) step({ findings: shuffled }, now);
    else step({ metrics: batchFromRows(pair.series, rows), findings: shuffled }, now);
  }
  const end = testStageContext({ now: 200_000, series: pair.series });
  expect(normalized(pair.now.snapshot?.(end), options)).toEqual(
    normalized(pair.before.snapshot?.(end), options),
  );
  return { alerts };
}

interface SavedWindow {
  flags: boolean[];
  findings: (string | null)[];
  labels: Labels;
  value: number;
}

/**
 * A snapshot as the rule reads it back: only anomalous points are counted, so a window's normal points before its
 * first anomalous one, and a series' window that holds none while no alert is active for it, say nothing (the rule
 * keeps a series' window from its first anomalous point only, where the old one kept one per series seen).
 */
function normalized(snapshot: unknown, options: AnomalyRuleOptions): unknown {
  const s = JSON.parse(JSON.stringify(snapshot)) as {
    alerts: { seriesLabels: Labels }[];
    windows: [string, SavedWindow][];
  };
  const active = new Set(s.alerts.map((a) => JSON.stringify(a.seriesLabels)));
  const windows = s.windows
    .filter(([key, w]) => options.groupBy || w.flags.includes(true) || active.has(key))
    .map(([key, w]): [string, SavedWindow] => {
      const first = w.flags.indexOf(true);
      const from = options.groupBy ? 0 : first < 0 ? w.flags.length : first;
      return [key, { ...w, flags: w.flags.slice(from), findings: w.findings.slice(from) }];
    })
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { alerts: s.alerts, windows };
}

describe('anomalyRule by series id gives the alerts it gave by string keys', () => {
  const cases: [string, AnomalyRuleOptions][] = [
    ['defaults', { alert: 'A' }],
    ['selector', { alert: 'A', selector: 'hot', n: 2, m: 4, minScore: 0.7 }],
    ['groupBy', { alert: 'A', groupBy: ['job'], n: 3, m: 6 }],
    [
      'groupBy with a selector',
      { alert: 'A', selector: '{instance=~"i[01]"}', groupBy: ['instance'], n: 2, m: 3 },
    ],
    ['for and keep_firing_for', { alert: 'A', forMs: 3000, keepFiringForMs: 2000, n: 2, m: 3 }],
    ['n = m = 1', { alert: 'A', n: 1, m: 1, minScore: 0.9 }],
  ];
  for (const [title, options] of cases) {
    it(title, () => {
      for (const seed of [1, 7, 42]) {
        // each case fires and resolves (an equality of no alerts at all would prove nothing)
        expect(run(options, seed).alerts).toBeGreaterThan(0);
      }
    });
  }
});

describe('anomalyRule keeps a window only for series with anomalous points', () => {
  it('2,000 normal series keep none; one anomalous point makes one, given back once its window is normal again', () => {
    const series = createSeriesRegistry();
    const rule = anomalyRule({ alert: 'A', n: 1, m: 2 });
    const labels = Array.from({ length: 2000 }, (_, i) => ({ __name__: 'q', instance: `i${i}` }));
    const ids = labels.map((l) => series.intern(l));
    const windows = (): unknown[] =>
      (rule.snapshot!(testStageContext({ now: 0, series })) as { windows: unknown[] }).windows;
    const read = (t: number, findings: Finding[] = []) =>
      rule.evaluate(
        {
          metrics: batchFromRows(
            series,
            labels.map((l) => ({ labels: l, timestamp: t, value: 1 })),
          ),
          findings,
        },
        testStageContext({ now: t, series }),
      ) ?? [];
    for (let t = 1000; t <= 5000; t += 1000) expect(read(t)).toEqual([]);
    expect(windows()).toHaveLength(0);
    const spike: Finding = {
      id: 'f1',
      series: ids[7]!,
      timestamp: 6000,
      value: 1,
      score: 0.9,
      kind: 'spike',
      detector: 'test',
      explanation: 'x',
    };
    expect(read(6000, [spike]).map((a) => [a.state, a.labels.instance])).toEqual([['firing', 'i7']]);
    expect(windows()).toHaveLength(1);
    expect(read(7000).map((a) => [a.state, a.labels.instance])).toEqual([]); // 1 of the last 2 points: still firing
    expect(read(8000).map((a) => [a.state, a.labels.instance])).toEqual([['resolved', 'i7']]);
    expect(windows()).toHaveLength(0);
  });
});
