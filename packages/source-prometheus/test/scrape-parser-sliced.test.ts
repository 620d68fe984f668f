import { createSeriesRegistry, type MetricBatch, MetricBatchBuilder } from '@argus/core';
import { describe, expect, it } from 'vitest';
import { createScrapeParser } from '../src/index.js';
import { rng } from './helpers.js';

// parseSliced parses a page a slice at a time, giving the loop back in between; it must give exactly what parse
// gives. Reference: parse() of the same pages on a second parser with its own registry.

/** A page of some families, series appearing and vanishing between pages, now and then a broken line. */
function page(r: () => number, broken: boolean): string {
  const lines: string[] = [];
  for (const fam of ['up', 'req_total', 'lat_seconds']) {
    if (r() < 0.1) continue;
    lines.push(`# HELP ${fam} x`, `# TYPE ${fam} ${fam === 'up' ? 'gauge' : 'counter'}`);
    const n = 50 + Math.floor(r() * 400);
    for (let i = 0; i < n; i++) {
      if (r() < 0.05) continue;
      lines.push(`${fam}{path="/p/${i}",code="${200 + (i % 3) * 100}"} ${Math.floor(r() * 1000)}`);
      if (r() < 0.003) lines.push(`${fam}{path="/p/${i}",code="${200 + (i % 3) * 100}"} 1`);
    }
  }
  if (broken) lines.splice(Math.floor(r() * lines.length), 0, 'bad{ 1');
  return `${lines.join('\n')}\n`;
}

function rows(batch: MetricBatch, fp: (id: number) => string): string[] {
  return Array.from(
    { length: batch.length },
    (_, i) =>
      `${fp(batch.series[i]!)} ${batch.timestamps[i]} ${batch.stale?.[i] === 1 ? 'stale' : batch.values[i]}`,
  );
}

describe('ScrapeParser.parseSliced', () => {
  it('gives the same batches, counts, stale markers and errors as parse, yielding between slices', async () => {
    for (const seed of [5, 11, 23]) {
      const r = rng(seed);
      const a = createSeriesRegistry();
      const b = createSeriesRegistry();
      const sync = createScrapeParser({ series: a, targetLabels: { job: 'j' } });
      const sliced = createScrapeParser({ series: b, targetLabels: { job: 'j' } });
      let yields = 0;
      for (let k = 0; k < 30; k++) {
        const body = page(r, r() < 0.15);
        const outA = new MetricBatchBuilder();
        const outB = new MetricBatchBuilder();
        let resA: unknown;
        let resB: unknown;
        try {
          resA = sync.parse(body, 'text', k * 1000, outA);
        } catch (err) {
          resA = err;
          sync.markStale(k * 1000, new MetricBatchBuilder());
        }
        try {
          // a slice of 0 ms stops after every clock read (64 lines): many slices per page
          resB = await sliced.parseSliced(body, 'text', k * 1000, outB, {
            sliceMs: 0,
            yield: async () => {
              yields++;
            },
          });
        } catch (err) {
          resB = err;
          sliced.markStale(k * 1000, new MetricBatchBuilder());
        }
        expect(resB, `seed ${seed} page ${k}`).toEqual(resA);
        if (!(resA instanceof Error)) {
          expect(rows(outB.build(), (id) => b.fingerprint(id))).toEqual(
            rows(outA.build(), (id) => a.fingerprint(id)),
          );
        }
      }
      expect(yields).toBeGreaterThan(30);
    }
  });

  it('bounds a slice by work done, a new series counting as 16 lines, whatever the clock says', async () => {
    const body = `${Array.from({ length: 5000 }, (_, i) => `m{i="${i}",k="v"} ${i}`).join('\n')}\n`;
    const reference = createSeriesRegistry();
    const expected = createScrapeParser({ series: reference });
    const series = createSeriesRegistry();
    const parser = createScrapeParser({ series });
    const slices = async (sliceWork: number, t: number) => {
      let yields = 0;
      const out = new MetricBatchBuilder();
      const res = await parser.parseSliced(body, 'text', t, out, {
        sliceMs: Number.POSITIVE_INFINITY,
        sliceWork,
        yield: async () => {
          yields++;
        },
      });
      const want = new MetricBatchBuilder();
      expect(res).toEqual(expected.parse(body, 'text', t, want));
      expect(rows(out.build(), (id) => series.fingerprint(id))).toEqual(
        rows(want.build(), (id) => reference.fingerprint(id)),
      );
      return yields + 1;
    };
    // first page: every series new, 16 each, so at most 100 lines a slice
    expect(await slices(1600, 1)).toBeGreaterThanOrEqual(50);
    // the same page again: every series known, 1 each
    const steady = await slices(1600, 2);
    expect(steady).toBeGreaterThanOrEqual(4);
    expect(steady).toBeLessThan(50);
    // no bound but the clock, which never runs out here: one slice
    expect(await slices(Number.POSITIVE_INFINITY, 3)).toBe(1);
  });

  it('refuses a second page while one is being parsed, and parses again once it settles', async () => {
    const parser = createScrapeParser({ series: createSeriesRegistry() });
    const body = Array.from({ length: 500 }, (_, i) => `m{i="${i}"} ${i}`).join('\n') + '\n';
    let release: () => void = () => {};
    const first = parser.parseSliced(body, 'text', 1, new MetricBatchBuilder(), {
      sliceMs: 0,
      yield: () => new Promise<void>((r) => (release = r)),
    });
    expect(() => parser.parse(body, 'text', 2, new MetricBatchBuilder())).toThrow(/already being parsed/);
    await expect(parser.parseSliced(body, 'text', 2, new MetricBatchBuilder())).rejects.toThrow(
      /already being parsed/,
    );
    let done = false;
    void first.then(() => {
      done = true;
    });
    while (!done) {
      release();
      await new Promise((r) => setImmediate(r));
    }
    expect((await first).samples).toBe(500);
    expect(parser.parse(body, 'text', 3, new MetricBatchBuilder()).added).toBe(0);
  });
});
