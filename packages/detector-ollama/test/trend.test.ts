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
