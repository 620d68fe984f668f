import { type Finding, type Labels, silentLogger } from '@argus/core';
import { createStore, type Store } from '@argus/store';
import { afterEach, describe, expect, it } from 'vitest';
import { readSummary, type SummaryShape } from '../src/history.js';
import { buildMessages } from '../src/prompt.js';
import { contextSections } from '../src/render.js';
import { type Buckets, fitSummary, halve, NO_SUMMARY, type SummaryData, tokensOf } from '../src/summary.js';
import { SPIKE } from './helpers.js';

const T = Date.UTC(2026, 11, 7, 8, 0, 0);
const DAY = 86_400_000;
const SHAPE: SummaryShape = {
  windowMs: 3_600_000,
  points: 32,
  seasonalOffsetsMs: [DAY, 7 * DAY],
  relatedBy: ['instance'],
  relatedMax: 3,
};
const CPU: Labels = { __name__: 'cpu', instance: 'node-1' };

function finding(over: Partial<Finding> = {}): Finding {
  return { id: 'f1', series: 1, timestamp: T, ...SPIKE, ...over };
}

/** A pseudo-random window (seeded, so a failure reproduces) with one spike and one dip. */
function buckets(n: number, seed: number): Buckets {
  let x = seed;
  const rnd = (): number => ((x = (x * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31) * 10 + 40;
  const min = Array.from({ length: n }, rnd);
  const max = min.map((v) => v + rnd() - 40);
  min[Math.floor(n / 3)] = -500;
  max[Math.floor((2 * n) / 3)] = 900;
  return { from: T - 3_600_000, stepMs: 3_600_000 / n, min, max };
}

function big(): SummaryData {
  return {
    recent: buckets(64, 1),
    seasonal: [
      { offsetMs: DAY, window: buckets(64, 2) },
      { offsetMs: 7 * DAY, window: buckets(64, 3) },
    ],
    related: [1, 2, 3, 4, 5].map((i) => ({
      labels: { __name__: `m${i}`, instance: 'node-1' },
      window: buckets(4, i),
    })),
  };
}

const render = (d: SummaryData) => contextSections(d, 'raw', finding(), (l) => l);

describe('judgement summary: downsampling and budget', () => {
  it('halving keeps the lowest and highest value of the window, and skips empty buckets', () => {
    let b = buckets(64, 7);
    b = { ...b, min: b.min.map((v, i) => (i === 5 ? Number.NaN : v)) };
    for (let i = 0; i < 5; i++) b = halve(b);
    expect(b.min).toHaveLength(2);
    expect(Math.min(...b.min)).toBe(-500);
    expect(Math.max(...b.max)).toBe(900);
    expect(b.min.every((v) => !Number.isNaN(v))).toBe(true);
  });

  it('every budget is respected, trimming related, then resolution, then seasonal, extremes kept', () => {
    const full = big();
    const fullTokens = tokensOf(render(full));
    expect(fitSummary(full, render, fullTokens)).toBe(full);
    for (const budget of [fullTokens - 1, 900, 400, 200, 120, 60]) {
      const fit = fitSummary(full, render, budget);
      expect(tokensOf(render(fit))).toBeLessThanOrEqual(budget);
      if (fit.recent) {
        expect(Math.min(...fit.recent.min)).toBe(-500);
        expect(Math.max(...fit.recent.max)).toBe(900);
      }
    }
    const mid = fitSummary(full, render, 400);
    expect(mid.related).toHaveLength(0); // the least important part goes first
    expect(mid.recent?.min.length).toBeLessThan(64);
    expect(fitSummary(full, render, 5)).toBe(NO_SUMMARY);
  });

  it('missing history renders no section at all, and the prompt still holds the finding', () => {
    const msg = buildMessages({
      finding: finding(),
      labels: CPU,
      anonymize: new Set(),
      drop: new Set(),
      systemPrompt: undefined,
      summary: NO_SUMMARY,
    });
    const user = JSON.parse(msg[1]!.content) as Record<string, unknown>;
    expect(Object.keys(user)).toEqual(['series', 'time', 'value', 'statistical_finding']);
  });
});

describe('judgement summary: read from an @argus/store Store', () => {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  async function filled(days: number): Promise<Store> {
    store = createStore({ retentionMs: 10 * DAY, outOfOrderWindowMs: 0 });
    await store.open();
    const series: Labels[] = [
      CPU,
      ...[1, 2, 3, 4, 5].map((i) => ({ __name__: `m${i}`, instance: 'node-1' })),
    ];
    series.push({ __name__: 'cpu', instance: 'node-2' });
    for (let t = T - days * DAY; t <= T; t += 60_000) {
      for (const l of series) store.append(l, t, t === T - 20 * 60_000 && l === CPU ? 250 : 40 + (t % 7));
    }
    return store;
  }

  it('reads the recent window with its spike, the day-earlier window, and capped related series', async () => {
    const s = await filled(1.5);
    const d = await readSummary(s, CPU, T, SHAPE, silentLogger);
    expect(d.recent?.min).toHaveLength(32);
    expect(Math.max(...d.recent!.max)).toBe(250);
    // one day of history is stored, a week is not: the week-earlier window is left out, not sent empty
    expect(d.seasonal.map((x) => x.offsetMs)).toEqual([DAY]);
    expect(Math.max(...d.seasonal[0]!.window.max)).toBeLessThan(250);
    expect(d.related).toHaveLength(3);
    expect(d.related.map((r) => r.labels['__name__'])).toEqual(['m1', 'm2', 'm3']);
    expect(d.related.every((r) => r.labels['instance'] === 'node-1')).toBe(true);
  });

  it('a series with no history, and a reader that throws, give an empty summary without failing', async () => {
    const s = await filled(0.1);
    const none = await readSummary(s, { __name__: 'nothing', instance: 'node-9' }, T, SHAPE, silentLogger);
    expect(none).toEqual(NO_SUMMARY);
    const broken = { range: () => Promise.reject(new Error('store closed')) };
    expect(await readSummary(broken, CPU, T, SHAPE, silentLogger)).toEqual(NO_SUMMARY);
    expect(await readSummary(undefined, CPU, T, SHAPE, silentLogger)).toEqual(NO_SUMMARY);
  });
});
