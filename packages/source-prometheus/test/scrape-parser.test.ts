import { createSeriesRegistry, type MetricBatch, MetricBatchBuilder } from '@argus/core';
import { describe, expect, it } from 'vitest';
import { createScrapeParser, ExpositionError } from '../src/index.js';

function scrape(
  parser: ReturnType<typeof createScrapeParser>,
  page: string,
  t: number,
  format: 'text' | 'openmetrics' = 'text',
) {
  const out = new MetricBatchBuilder();
  const result = parser.parse(page, format, t, out);
  return { result, batch: out.build() };
}

function rows(batch: MetricBatch, names: (id: number) => string) {
  return Array.from({ length: batch.length }, (_, i) => [
    names(batch.series[i]!),
    batch.timestamps[i],
    batch.values[i],
    batch.stale?.[i] === 1,
  ]);
}

describe('createScrapeParser', () => {
  // a new series takes its label names from the series before it where the text is the same (see parseLabelBlock)
  it('names each label as its own line writes it when neighbouring series name theirs alike', () => {
    const series = createSeriesRegistry();
    const parser = createScrapeParser({ series });
    const page = [
      'm{ab="1",c="x"} 1',
      'm{ac="1",c="x"} 2',
      'm{ab="1",cd="x"} 3',
      'm{ab="1"} 4',
      'm{ab="1",c="x",e="y"} 5',
      'n{ab="2",c="x"} 6',
    ].join('\n');
    const { batch } = scrape(parser, `${page}\n`, 1);
    expect(Array.from(batch.series, (id) => series.labels(id))).toEqual([
      { __name__: 'm', ab: '1', c: 'x' },
      { __name__: 'm', ac: '1', c: 'x' },
      { __name__: 'm', ab: '1', cd: 'x' },
      { __name__: 'm', ab: '1' },
      { __name__: 'm', ab: '1', c: 'x', e: 'y' },
      { __name__: 'n', ab: '2', c: 'x' },
    ]);
  });

  it('adds target labels, interns once and reuses ids on the next page', () => {
    const series = createSeriesRegistry();
    const parser = createScrapeParser({ series, targetLabels: { job: 'node', instance: 'h:1' } });
    const page = 'a{x="1"} 1\na{x="2"} 2\nb 3 1000\n';
    const first = scrape(parser, page, 5000);
    expect(first.result).toMatchObject({ samples: 3, added: 3, stale: 0, duplicates: 0 });
    expect(series.labels(first.batch.series[0]!)).toEqual({
      __name__: 'a',
      x: '1',
      job: 'node',
      instance: 'h:1',
    });
    expect(Array.from(first.batch.timestamps)).toEqual([5000, 5000, 1000]);
    const second = scrape(parser, page.replace('} 1', '} 10'), 6000);
    expect(second.result.added).toBe(0);
    expect(Array.from(second.batch.series)).toEqual(Array.from(first.batch.series));
    expect(Array.from(second.batch.values)).toEqual([10, 2, 3]);
    expect(series.size).toBe(3);
  });

  // A first page's series are cached and interned as ranges of chunks of the page (see BodyParser.ownText), their
  // strings made later; freed cache slots are reused. Many chunks' worth of series, then pages that drop, reorder
  // and bring back series, checked against the labels and ids each line must have.
  it('keeps a first page of many chunks as ranges: later pages find every series, reuse freed slots, labels intact', () => {
    const series = createSeriesRegistry();
    const parser = createScrapeParser({ series, targetLabels: { job: 'j' } });
    const n = 3000;
    const line = (i: number, v: number) =>
      `req_total{path="/api/v1/items/${i}",code="${200 + (i % 3)}",k="${'x'.repeat(i % 40)}"} ${v}\n`;
    const labelsOf = (i: number) => ({
      __name__: 'req_total',
      path: `/api/v1/items/${i}`,
      code: String(200 + (i % 3)),
      ...(i % 40 === 0 ? {} : { k: 'x'.repeat(i % 40) }),
      job: 'j',
    });
    const all = Array.from({ length: n }, (_, i) => i);
    const first = scrape(parser, `# TYPE req_total counter\n${all.map((i) => line(i, i)).join('')}`, 1000);
    expect(first.result).toMatchObject({ samples: n, added: n, stale: 0, duplicates: 0 });
    const ids = Array.from(first.batch.series);
    // every tenth label set asked for before any later page, the rest after
    for (let i = 0; i < n; i += 10) expect(series.labels(ids[i]!)).toEqual(labelsOf(i));
    // the odd series dropped and the rest reversed: found by text (the cache's map), the odd ones stale
    const even = all.filter((i) => i % 2 === 0).reverse();
    const second = scrape(parser, even.map((i) => line(i, -i)).join(''), 2000);
    expect(second.result).toMatchObject({ samples: n / 2, added: 0, stale: n / 2, duplicates: 0 });
    expect(Array.from(second.batch.series.subarray(0, n / 2))).toEqual(even.map((i) => ids[i]));
    expect(parser.size).toBe(n / 2);
    // new series take the freed slots; the odd ones come back under their old ids
    const third = scrape(parser, all.map((i) => line(i, i)).join('') + line(n, 1) + line(n + 1, 1), 3000);
    expect(third.result).toMatchObject({ samples: n + 2, added: n / 2 + 2, stale: 0, duplicates: 0 });
    expect(Array.from(third.batch.series.subarray(0, n))).toEqual(ids);
    expect(parser.size).toBe(n + 2);
    const fourth = scrape(parser, all.map((i) => line(i, 7)).join('') + line(n, 2) + line(n + 1, 2), 4000);
    expect(fourth.result).toMatchObject({ samples: n + 2, added: 0, stale: 0 });
    expect(Array.from(fourth.batch.series)).toEqual(Array.from(third.batch.series));
    for (let i = 0; i <= n + 1; i++) expect(series.labels(fourth.batch.series[i]!)).toEqual(labelsOf(i));
    expect(series.size).toBe(n + 2);
  });

  // A first page of more series than a page of the cache's keys (16,384) and than the size from which the parser
  // makes room for a page's series up front (see TargetParser.reserve): ranges of the page, keys made later across
  // several key pages, slots freed and reused, the registry's columns reserved, and the sliced parse giving the
  // reserve a slice of its own (nothing written yet at the first yield).
  it('keeps a first page larger than a key page: reserved, found again, freed and reused across key pages', async () => {
    const series = createSeriesRegistry();
    const parser = createScrapeParser({ series, targetLabels: { job: 'j' } });
    const n = 40_000;
    const line = (i: number, v: number) =>
      `big_total{path="/api/v1/items/${i}",code="${200 + (i % 3)}"} ${v}\n`;
    const labelsOf = (i: number) => ({
      __name__: 'big_total',
      path: `/api/v1/items/${i}`,
      code: String(200 + (i % 3)),
      job: 'j',
    });
    const all = Array.from({ length: n }, (_, i) => i);
    const out = new MetricBatchBuilder();
    const writtenAtYield: number[] = [];
    const first = await parser.parseSliced(all.map((i) => line(i, i)).join(''), 'text', 1000, out, {
      yield: async () => {
        writtenAtYield.push(out.length);
      },
    });
    expect(writtenAtYield[0]).toBe(0);
    expect(writtenAtYield[1]).toBeGreaterThan(0);
    expect(first).toMatchObject({ samples: n, added: n, stale: 0, duplicates: 0 });
    const ids = Array.from(out.build().series);
    expect(ids).toEqual(all);
    // every third series dropped and the rest reversed: found by text across key pages, the others stale
    const kept = all.filter((i) => i % 3 !== 0).reverse();
    const second = scrape(parser, kept.map((i) => line(i, -i)).join(''), 2000);
    expect(second.result).toMatchObject({ samples: kept.length, added: 0, stale: n - kept.length });
    expect(Array.from(second.batch.series.subarray(0, kept.length))).toEqual(kept);
    // the dropped ones come back under their old ids, and new ones take freed slots
    const third = scrape(parser, all.map((i) => line(i, i)).join('') + line(n, 1), 3000);
    expect(third.result).toMatchObject({ samples: n + 1, added: n - kept.length + 1, stale: 0 });
    expect(Array.from(third.batch.series)).toEqual([...all, n]);
    const fourth = scrape(parser, all.map((i) => line(i, 7)).join('') + line(n, 2), 4000);
    expect(fourth.result).toMatchObject({ samples: n + 1, added: 0, stale: 0 });
    for (let i = 0; i <= n; i += 97) expect(series.labels(i)).toEqual(labelsOf(i));
    expect(series.labels(n)).toEqual(labelsOf(n));
    expect([series.size, parser.size]).toEqual([n + 1, n + 1]);
  });

  it('writes a stale marker when a series vanishes, and counts it as added when it returns', () => {
    const series = createSeriesRegistry();
    const parser = createScrapeParser({ series });
    const name = (id: number) => series.labels(id)['x'] ?? series.labels(id)['__name__']!;
    scrape(parser, 'm{x="a"} 1\nm{x="b"} 2\n', 1000);
    const gone = scrape(parser, 'm{x="a"} 1\n', 2000);
    expect(gone.result.stale).toBe(1);
    expect(rows(gone.batch, name)).toEqual([
      ['a', 2000, 1, false],
      ['b', 2000, Number.NaN, true],
    ]);
    expect(scrape(parser, 'm{x="a"} 1\n', 3000).batch.length).toBe(1);
    expect(scrape(parser, 'm{x="a"} 1\nm{x="b"} 5\n', 4000).result.added).toBe(1);
  });

  it('leaves series with their own timestamps without stale markers, as Prometheus does', () => {
    const parser = createScrapeParser({ series: createSeriesRegistry() });
    scrape(parser, 'm 1 1000\nn 2\n', 5000);
    const next = scrape(parser, '# nothing\n', 6000);
    expect(next.result.stale).toBe(1);
    expect(next.batch.length).toBe(1);
  });

  it('marks every live series stale when the target goes down', () => {
    const parser = createScrapeParser({ series: createSeriesRegistry() });
    scrape(parser, 'a 1\nb 2\nc 3\n', 1000);
    const out = new MetricBatchBuilder();
    expect(parser.markStale(2000, out)).toBe(3);
    expect(out.build().stale).toEqual(new Uint8Array([1, 1, 1]));
    expect(parser.size).toBe(0);
  });

  it('drops repeated series within one page and counts them', () => {
    const parser = createScrapeParser({ series: createSeriesRegistry() });
    const { result, batch } = scrape(parser, 'a{x="1"} 1\na{x="1"} 2\nb 3\n', 1000);
    expect(result.duplicates).toBe(1);
    expect(Array.from(batch.values)).toEqual([1, 3]);
    // two spellings of one series: an empty label is no label
    const alias = scrape(createScrapeParser({ series: createSeriesRegistry() }), 'm{a=""} 1\nm 2\n', 1);
    expect([alias.result.duplicates, alias.batch.length]).toEqual([1, 1]);
  });

  // a first page is parsed without the cache's map by text (see SeriesCache): repeats and later pages must not notice
  it('counts a first page the same with repeated lines, aliases and _created lines, and finds its series when the next page is reordered', () => {
    const parser = createScrapeParser({ series: createSeriesRegistry() });
    const first = scrape(parser, 'a{x="1"} 1\nb 2\na{x="1"} 3\nm{a=""} 4\nm 5\nc 6\n', 1000);
    expect(first.result).toMatchObject({ samples: 6, added: 5, duplicates: 2, stale: 0 });
    expect(Array.from(first.batch.values)).toEqual([1, 2, 4, 6]);
    // (the counts are those of the parser before it skipped the map.) The two spellings of m are two cached
    // texts, each added; the repeated a{x="1"} is one text and a duplicate
    expect(parser.size).toBe(5);
    const second = scrape(parser, 'c 7\nm 8\na{x="1"} 9\n', 2000);
    expect(second.result).toMatchObject({ samples: 3, added: 0, duplicates: 0, stale: 1 });
    expect(parser.size).toBe(3);
    const third = scrape(parser, 'b 10\nc 11\na{x="1"} 12\nm{a=""} 13\n', 3000);
    expect(third.result).toMatchObject({ samples: 4, added: 2, duplicates: 0, stale: 0 });
    expect(parser.size).toBe(4);
    const om = createScrapeParser({ series: createSeriesRegistry() });
    const page = '# TYPE c counter\nc_total 1\nc_created 5\nc_created 5\n# EOF\n';
    expect(scrape(om, page, 1, 'openmetrics').result).toMatchObject({ samples: 3, added: 1, duplicates: 1 });
    expect(om.size).toBe(2);
  });

  it('renames clashing labels to exported_* unless honorLabels is set; empty values mean absent', () => {
    const page = 'm{job="app",instance="",exported_job="x"} 1\n';
    for (const [honorLabels, want] of [
      [false, { __name__: 'm', job: 'scrape', exported_job: 'x', exported_exported_job: 'app' }],
      [true, { __name__: 'm', job: 'app', exported_job: 'x' }],
    ] as const) {
      const series = createSeriesRegistry();
      const parser = createScrapeParser({
        series,
        honorLabels,
        targetLabels: { job: 'scrape', instance: '' },
      });
      const { batch } = scrape(parser, page, 1);
      expect(series.labels(batch.series[0]!)).toEqual(want);
    }
  });

  it('skips OpenMetrics _created lines and keeps the rest', () => {
    const series = createSeriesRegistry();
    const parser = createScrapeParser({ series });
    const page = '# TYPE c counter\nc_total 4\nc_created 1700000000\n# EOF\n';
    const { batch, result } = scrape(parser, page, 1, 'openmetrics');
    expect(batch.length).toBe(1);
    expect(result).toMatchObject({ samples: 2, added: 1, stale: 0 });
    expect(scrape(parser, page, 2, 'openmetrics').result.stale).toBe(0);
  });

  it('counts samples of series the registry refused', () => {
    const parser = createScrapeParser({ series: createSeriesRegistry({ maxSeries: 1 }) });
    const { result, batch } = scrape(parser, 'a 1\nb 2\nc 3\n', 1);
    expect([result.rejected, batch.length]).toEqual([2, 1]);
  });

  it('after a failed page, marks stale exactly the series of the last good page', () => {
    const series = createSeriesRegistry();
    const parser = createScrapeParser({ series });
    expect(() => scrape(parser, 'fresh 1\nbad{ 2\n', 1)).toThrow(ExpositionError);
    const none = new MetricBatchBuilder();
    expect(parser.markStale(2, none)).toBe(0);
    scrape(parser, 'a 1\nb 2\n', 3);
    expect(() => scrape(parser, 'a 1\nc 3\nbad{ 2\n', 4)).toThrow(ExpositionError);
    const out = new MetricBatchBuilder();
    parser.markStale(5, out);
    expect(Array.from(out.build().series, (id) => series.labels(id)['__name__'])).toEqual(['a', 'b']);
  });

  it('throws on a bad page so the caller can mark the target down', () => {
    const parser = createScrapeParser({ series: createSeriesRegistry(), limits: { sampleLimit: 1 } });
    expect(() => scrape(parser, 'a 1\nb 2\n', 1)).toThrow(ExpositionError);
  });
});
