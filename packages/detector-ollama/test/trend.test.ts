import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TrendGroup } from '../src/index.js';
import { trendStats } from '../src/trend-stats.js';
import { type FakeOllama, startFakeOllama } from './fake-ollama.js';
import { analyst, MODEL, until } from './helpers.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 11, 1);

describe('trendStats (computed by Argus, not the model)', () => {
  it('fits the line, compares the halves, and says when it reaches the limit', () => {
    // 0.5 → 0.74 over 24 h: 0.01 per hour; the limit 0.9 is 16 h past the end
    const ts = Array.from({ length: 25 }, (_, i) => T0 + i * HOUR);
    const s = trendStats(
      ts,
      ts.map((_, i) => 0.5 + 0.01 * i),
      0.9,
    )!;
    expect(s.points).toBe(25);
    expect(s.slopePerHour).toBeCloseTo(0.01, 12);
    expect(s.hoursToLimit).toBeCloseTo(16, 9);
    expect(s.relativeChange).toBeCloseTo(0.24 / 0.62, 9);
    expect(s.secondHalfMean).toBeGreaterThan(s.firstHalfMean);
    expect([s.min, s.max, s.last]).toEqual([0.5, expect.closeTo(0.74, 12), expect.closeTo(0.74, 12)]);
  });

  it('has no time to a limit it moves away from, skips non-finite points, needs two points', () => {
    const ts = [T0, T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR];
    expect(trendStats(ts, [4, 3, Number.NaN, 1], 10)!.hoursToLimit).toBeNull();
    expect(trendStats(ts, [4, 3, Number.NaN, 1])!.points).toBe(3);
    expect(trendStats(ts, [1, Number.NaN, Number.NaN, Number.NaN])).toBeUndefined();
  });
});

function group(): TrendGroup {
  const ts = Array.from({ length: 25 }, (_, i) => T0 + i * HOUR);
  return {
    name: 'disks',
    limit: 1,
    series: [
      {
        labels: { __name__: 'disk_used_ratio', instance: 'db-1' },
        timestamps: ts,
        values: ts.map((_, i) => 0.5 + 0.01 * i),
      },
      {
        labels: { __name__: 'disk_used_ratio', instance: 'db-2' },
        timestamps: ts,
        values: ts.map(() => 0.3),
      },
    ],
  };
}

function reply(over: Record<string, unknown> = {}): string {
  return JSON.stringify({
    summary: 'db-1 fills steadily; db-2 is flat.',
    series: [
      {
        index: 0,
        trend: 'rising',
        seasonality_change: false,
        capacity_risk: 'high',
        note: 'slope 0.01/h, 26 h to the limit',
      },
      { index: 1, trend: 'flat', seasonality_change: false, capacity_risk: 'none', note: 'constant 0.3' },
    ],
    ...over,
  });
}

let fake: FakeOllama;
beforeEach(async () => {
  fake = await startFakeOllama([MODEL]);
});
afterEach(async () => {
  await fake.close();
});

describe('ollamaAnalyst().trendReport', () => {
  it('sends the numbers Argus computed, redacted labels, and returns them with the validated assessment', async () => {
    fake.script.push({ kind: 'answer', content: reply() });
    const { a, metrics } = analyst(fake.url, { anonymizeLabels: ['instance'] });
    await a.start();
    const r = await a.trendReport(group());
    a.stop();
    expect(r.unjudged).toBeUndefined();
    expect(r.summary).toBe('db-1 fills steadily; db-2 is flat.');
    expect(r.model).toBe(MODEL);
    expect(r.series[0]!.assessment).toEqual({
      trend: 'rising',
      seasonalityChange: false,
      capacityRisk: 'high',
      note: 'slope 0.01/h, 26 h to the limit',
    });
    // the numbers are Argus's, whatever the model wrote in its note
    expect(r.series[0]!.stats!.hoursToLimit).toBeCloseTo(26, 9);
    const sent = JSON.parse((fake.received[0]!.body['messages'] as { content: string }[])[1]!.content);
    expect(sent.series[0].stats.hours_to_limit).toBe(26);
    expect(sent.series[0].stats.slope_per_hour).toBe(0.01);
    expect(sent.series[0].labels.instance).toMatch(/^anon-[0-9a-f]{12}$/);
    expect(JSON.stringify(sent)).not.toContain('db-1');
    expect(metrics.counts['trendReports']).toBe(1);
  });

  it('retries an answer naming a series that does not exist, then drops it and keeps the numbers', async () => {
    const bad = reply({
      series: [{ index: 7, trend: 'flat', seasonality_change: false, capacity_risk: 'none', note: 'x' }],
    });
    fake.script.push({ kind: 'answer', content: bad }, { kind: 'answer', content: bad });
    const { a, metrics } = analyst(fake.url);
    await a.start();
    const r = await a.trendReport(group());
    expect(r.unjudged).toBe('invalid');
    expect(r.summary).toBeUndefined();
    expect(r.series.map((s) => s.stats?.points)).toEqual([25, 25]);
    const retry = fake.received[1]!.body['messages'] as { content: string }[];
    expect(retry.at(-1)!.content).toMatch(/series\.0\.index: Too big/);
    expect(metrics.counts['invalidDropped']).toBe(1);
    expect(metrics.counts['trendReports.unjudged']).toBe(1);
  });

  it('returns the numbers unjudged when the server is down, without sending anything', async () => {
    fake.down = true;
    const { a } = analyst(fake.url);
    await a.start();
    const r = await a.trendReport(group());
    a.stop();
    expect(r.unjudged).toBe('unavailable');
    expect(r.series[0]!.stats!.slopePerHour).toBeCloseTo(0.01, 12);
    expect(fake.received).toHaveLength(0);
  });

  it('gives up on a slow model at timeoutMs (fake clock)', async () => {
    fake.script.push({ kind: 'hang' });
    const { a, clock } = analyst(fake.url, { timeoutMs: 120_000 });
    await a.start();
    const p = a.trendReport(group());
    await until(() => expect(fake.hanging()).toBe(1));
    await clock.advanceAsync(120_000);
    expect((await p).unjudged).toBe('timeout');
    await until(() => expect(fake.hanging()).toBe(0));
  });

  it('is over budget when the minute’s tokens cannot cover the request, and sends nothing', async () => {
    const { a } = analyst(fake.url, { budget: { tokensPerMinute: 100 } });
    await a.start();
    const r = await a.trendReport(group());
    expect(r.unjudged).toBe('overBudget');
    expect(fake.received).toHaveLength(0);
  });

  it('stop aborts a report in flight', async () => {
    fake.script.push({ kind: 'hang' });
    const { a } = analyst(fake.url);
    await a.start();
    const p = a.trendReport(group());
    await until(() => expect(fake.hanging()).toBe(1));
    a.stop();
    expect((await p).unjudged).toBe('timeout');
  });

  it('refuses to start when the server lacks the model', async () => {
    fake.models = ['other:latest'];
    const { a } = analyst(fake.url);
    await expect(a.start()).rejects.toMatchObject({ code: 'ERR_PLUGIN_START' });
  });
});

// Numbers of a size no rescaling produces by accident: a disk filling 56.7 GB an hour from 1234 GB toward 5000 GB,
// and a second one jittering around 800 GB.
function bigGroup(): TrendGroup {
  const ts = Array.from({ length: 25 }, (_, i) => T0 + i * HOUR);
  return {
    name: 'volumes',
    limit: 5_000,
    series: [
      { labels: { instance: 'db-1' }, timestamps: ts, values: ts.map((_, i) => 1_234 + 56.7 * i) },
      { labels: { instance: 'db-2' }, timestamps: ts, values: ts.map((_, i) => 800 + (i % 2 ? 13 : -13)) },
    ],
  };
}

/** Every number in a JSON document. */
function numbersIn(x: unknown): number[] {
  if (typeof x === 'number') return [x];
  if (x && typeof x === 'object') return Object.values(x).flatMap(numbersIn);
  return [];
}

/** The magnitudes of the data, rounded as raw mode sends them: none of them may leave in relative or omit mode. */
function rawMagnitudes(g: TrendGroup): number[] {
  const out = [g.limit!];
  for (const x of g.series) {
    const st = trendStats(x.timestamps, x.values, g.limit)!;
    const ms = [
      st.mean,
      st.min,
      st.max,
      st.last,
      st.stddev,
      st.slopePerHour,
      st.firstHalfMean,
      st.secondHalfMean,
    ];
    out.push(...ms.map((v) => Number(v.toPrecision(4))));
  }
  return out.filter((m) => m !== 0); // a zero slope is no magnitude
}

describe('ollamaAnalyst().trendReport with `values`', () => {
  async function sentFor(values: 'raw' | 'relative' | 'omit') {
    fake.script.push({ kind: 'answer', content: reply() });
    const { a } = analyst(fake.url, { values });
    await a.start();
    const r = await a.trendReport(bigGroup());
    a.stop();
    const sent = JSON.parse((fake.received[0]!.body['messages'] as { content: string }[])[1]!.content);
    return { r, sent, leaked: rawMagnitudes(bigGroup()).filter((m) => numbersIn(sent).includes(m)) };
  }

  it('raw sends the magnitudes (so the checks below can see a leak)', async () => {
    const { sent, leaked } = await sentFor('raw');
    expect(leaked).toEqual(rawMagnitudes(bigGroup()));
    expect(sent.capacity_limit).toBe(5_000);
  });

  it('relative sends each series scaled by its own mean, no magnitude; the report keeps the raw numbers', async () => {
    const { r, sent, leaked } = await sentFor('relative');
    expect(leaked).toEqual([]);
    expect(sent.values).toMatch(/relative/);
    expect(sent.capacity_limit).toBeUndefined();
    const [s0, s1] = r.series.map((s) => s.stats!);
    expect(sent.series[0].stats).toMatchObject({
      points: 25,
      hours: 24,
      mean: 1,
      slope_per_hour: Number((56.7 / s0!.mean).toPrecision(3)),
      capacity_limit: Number((5_000 / s0!.mean).toPrecision(3)),
      hours_to_limit: Number(s0!.hoursToLimit!.toPrecision(4)),
      relative_change: Number(s0!.relativeChange!.toPrecision(3)),
    });
    expect(sent.series[1].stats.max).toBe(Number((813 / s1!.mean).toPrecision(3)));
    // what Argus returns is unchanged by the mode
    expect(s0!.slopePerHour).toBeCloseTo(56.7, 9);
    expect(s0!.mean).toBeCloseTo(1_234 + 56.7 * 12, 9);
    expect(r.summary).toBe('db-1 fills steadily; db-2 is flat.');
  });

  it('omit sends only directions, shape and counts; the report keeps the raw numbers', async () => {
    const { r, sent, leaked } = await sentFor('omit');
    expect(leaked).toEqual([]);
    // the only numbers left: series indexes, point counts and the range's length in hours
    expect(new Set(numbersIn(sent))).toEqual(new Set([0, 1, 25, 24]));
    expect(sent.has_capacity_limit).toBe(true);
    expect(sent.series.map((s: { stats: unknown }) => s.stats)).toEqual([
      { points: 25, hours: 24, slope: 'positive', second_half_vs_first: 'positive', heads_to_limit: true },
      {
        points: 25,
        hours: 24,
        slope: expect.any(String),
        second_half_vs_first: 'negative',
        heads_to_limit: expect.any(Boolean),
      },
    ]);
    expect(r.series[0]!.stats!.max).toBeCloseTo(1_234 + 56.7 * 24, 9);
    expect(r.series[0]!.stats!.hoursToLimit).toBeGreaterThan(0);
  });
});
