import { createSeriesRegistry, MetricBatchBuilder } from '@argus/core';
import { describe, expect, it } from 'vitest';
import { createScrapeParser } from '../src/index.js';
import { rng } from './helpers.js';

type Row = [name: string, time: number, value: number, stale: boolean];

/**
 * What the parser writes, told from a map of the last complete page: stale markers for series of that page missing
 * from the next (unless their last sample carried its own timestamp), and after a failed page, markers for exactly
 * the last complete page's series. Stale markers are compared as a set (the parser writes them in slot order).
 */
class Model {
  /** Series of the last complete page. */
  live = new Set<string>();
  /** Per series: whether its last sample, on any page, carried a timestamp. */
  explicit = new Map<string, boolean>();

  page(lines: readonly [string, number | undefined][], t: number): { samples: Row[]; stale: Row[] } {
    const samples: Row[] = lines.map(([name, ts], k) => [name, ts ?? t, k, false]);
    for (const [name, ts] of lines) this.explicit.set(name, ts !== undefined);
    const on = new Set(lines.map(([name]) => name));
    const stale = [...this.live].filter((n) => !on.has(n) && !this.explicit.get(n)).map(marker(t));
    this.live = on;
    return { samples, stale };
  }

  failed(lines: readonly [string, number | undefined][]): void {
    for (const [name, ts] of lines) this.explicit.set(name, ts !== undefined);
  }

  markStale(t: number): Row[] {
    const rows = [...this.live].filter((n) => !this.explicit.get(n)).map(marker(t));
    this.live = new Set();
    return rows;
  }
}

const marker =
  (t: number) =>
  (name: string): Row => [name, t, Number.NaN, true];
const byName = (a: Row, b: Row): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

describe('scrape parser staleness', () => {
  it('writes the stale markers a map of the last page tells, across failed pages, timestamps and target downs', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const rnd = rng(seed);
      const series = createSeriesRegistry();
      const parser = createScrapeParser({ series });
      const model = new Model();
      const name = (id: number): string => series.labels(id)['s']!;
      const rows = (out: MetricBatchBuilder): Row[] => {
        const b = out.build();
        return Array.from({ length: b.length }, (_, i) => [
          name(b.series[i]!),
          b.timestamps[i]!,
          b.values[i]!,
          b.stale?.[i] === 1,
        ]);
      };
      // more series than the cache's first 64 slots, so its columns grow with and without the optional ones
      const universe = 20 + Math.floor(rnd() * 120);
      for (let step = 1; step <= 30; step++) {
        const t = step * 1000;
        const what = rnd();
        if (what < 0.1) {
          const out = new MetricBatchBuilder();
          const n = parser.markStale(t, out);
          const want = model.markStale(t);
          expect(n).toBe(want.length);
          expect(rows(out).sort(byName), `seed ${seed} step ${step}`).toEqual(want.sort(byName));
          continue;
        }
        const lines: [string, number | undefined][] = [];
        const pick = rnd();
        for (let s = 0; s < universe; s++)
          if (rnd() < pick) lines.push([`s${s}`, rnd() < 0.1 ? t - 7 : undefined]);
        lines.sort(() => rnd() - 0.5);
        const text = lines
          .map(([n, ts], k) => `m{s="${n}"} ${k}${ts === undefined ? '' : ` ${ts}`}\n`)
          .join('');
        const out = new MetricBatchBuilder();
        if (what < 0.3) {
          // a page that breaks after some of its lines; the source then marks the target down
          const cut = Math.floor(rnd() * (lines.length + 1));
          const broken = [...text.split('\n').slice(0, cut), 'bad{ 1', ''].join('\n');
          expect(() => parser.parse(broken, 'text', t, out)).toThrow();
          model.failed(lines.slice(0, cut));
          const down = new MetricBatchBuilder();
          parser.markStale(t + 1, down);
          expect(rows(down).sort(byName), `seed ${seed} step ${step}`).toEqual(
            model.markStale(t + 1).sort(byName),
          );
          continue;
        }
        const result = parser.parse(text, 'text', t, out);
        const want = model.page(lines, t);
        const got = rows(out);
        expect(got.slice(0, lines.length), `seed ${seed} step ${step}`).toEqual(want.samples);
        expect(got.slice(lines.length).sort(byName), `seed ${seed} step ${step}`).toEqual(
          want.stale.sort(byName),
        );
        expect(result.stale).toBe(want.stale.length);
      }
    }
  });
});
