import type { PluginStats } from '@argus/core';
import { describe, expect, it } from 'vitest';
import { age, labelText, matchersFor, splitMatchers } from '../src/format.js';
import { throughput } from '../src/health.js';
import { seriesName, toChartData } from '../src/series.js';

describe('toChartData', () => {
  const a = {
    metric: { __name__: 'cpu', host: 'a' },
    values: [
      [10, '1'],
      [20, '2'],
      [30, 'NaN'],
    ] as [number, string][],
  };
  const b = {
    metric: { __name__: 'cpu', host: 'b' },
    values: [
      [20, '5'],
      [40, '+Inf'],
    ] as [number, string][],
  };

  it('aligns series on one sorted x axis with gaps where a series has no finite sample', () => {
    const d = toChartData([a, b]);
    expect(d.columns).toEqual([
      [10, 20, 30, 40],
      [1, 2, null, null],
      [null, 5, null, null],
    ]);
    expect(d.names).toEqual(['cpu{host="a"}', 'cpu{host="b"}']);
  });

  it('puts a finding on the nearest point of its own series only, and drops one outside the range', () => {
    const d = toChartData(
      [a, b],
      [
        { at: 21_000, labels: { __name__: 'cpu', host: 'a' } },
        { at: 21_000, labels: { __name__: 'cpu', host: 'a', extra: 'x' } },
        { at: 500_000, labels: { __name__: 'cpu', host: 'b' } },
      ],
    );
    expect(d.markers).toEqual([[1], []]);
  });

  it('handles an empty result', () => {
    expect(toChartData([])).toEqual({ names: [], columns: [[]], markers: [] });
  });
});

describe('format helpers', () => {
  it('splits matchers on commas outside quotes, braces optional', () => {
    expect(splitMatchers('{a="1", b=~"x,y", c!="q\\"," }')).toEqual(['a="1"', 'b=~"x,y"', 'c!="q\\","']);
    expect(splitMatchers('  ')).toEqual([]);
  });

  it('makes matchers that select a label set exactly, quoting values', () => {
    expect(matchersFor({ b: 'x"y', a: '1' })).toEqual(['a="1"', 'b="x\\"y"']);
  });

  it('writes ages and label sets', () => {
    expect(age(0, 59_000)).toBe('59s');
    expect(age(0, 3_600_000 + 5 * 60_000)).toBe('1h 5m');
    expect(age(0, 26 * 3_600_000)).toBe('1d 2h');
    expect(age(10, 0)).toBe('0s');
    expect(labelText({ __name__: 'up', b: '2', a: '1' })).toBe('{a="1", b="2"}');
    expect(seriesName({ __name__: 'up' })).toBe('up');
  });

  it('turns counters into per-second rates, 0 after a reset, none for a new plugin', () => {
    // throughput reads only `received`; the rest of a plugin's counters do not matter here
    const s = (received: number) => ({ received }) as PluginStats;
    expect(throughput({ a: s(10), b: s(50) }, { a: s(30), b: s(5), c: s(1) }, 4)).toEqual({ a: 5, b: 0 });
  });
});
