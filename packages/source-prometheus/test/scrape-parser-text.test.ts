import {
  createSeriesRegistry,
  fingerprint,
  type Labels,
  type MetricBatch,
  MetricBatchBuilder,
  type SeriesRegistry,
} from '@argus/core';
import { describe, expect, it } from 'vitest';
import { createScrapeParser } from '../src/index.js';
import { rng } from './helpers.js';

// A new series is interned from its text (SeriesRegistry.internText): its label block hashed in place, its labels
// built only when asked for. Reference: the same pages through a registry without internText, where every new
// series is parsed into a label object and interned by it.

/** A registry without internText (the parser then builds every label set), or one that counts the calls. */
function wrap(reg: SeriesRegistry, byText: boolean): SeriesRegistry & { textCalls: number } {
  const w = {
    textCalls: 0,
    intern: (l: Labels) => reg.intern(l),
    lookup: (l: Labels) => reg.lookup(l),
    labels: (id: number) => reg.labels(id),
    fingerprint: (id: number) => reg.fingerprint(id),
    get size() {
      return reg.size;
    },
    get rejected() {
      return reg.rejected;
    },
    maxSeries: reg.maxSeries,
  };
  if (!byText) return w;
  return Object.assign(w, {
    internText(...args: Parameters<NonNullable<SeriesRegistry['internText']>>) {
      w.textCalls++;
      return reg.internText!(...args);
    },
  });
}

// label values: plain, empty (= no label), escapes Prometheus undoes (\\ \" \n) and one it keeps as written (\t),
// non-ASCII of every UTF-8 width
const VALUES = ['a', '', 'x\\\\y', 'q\\"q', 'l\\nl', 't\\tt', 'é', '中文', '😀', '/api/v1/items/123456'];
const NAMES = ['path', 'code', 'job', 'instance', 'exported_job', 'Zed', '_x', 'a1'];

/** A page whose lines repeat series in other label orders and spellings, clash with target labels, and so on. */
function page(r: () => number): string {
  const lines: string[] = [];
  for (const fam of ['up', 'req_total', 'lat_seconds_bucket']) {
    const n = 20 + Math.floor(r() * 60);
    for (let i = 0; i < n; i++) {
      const names = NAMES.filter(() => r() < 0.4);
      const pairs = names.map((name) => `${name}="${VALUES[Math.floor(r() * VALUES.length)]}"`);
      // sorted, reversed or shuffled; now and then the same series again in another order
      pairs.sort(() => r() - 0.5);
      const block = pairs.length > 0 || r() < 0.3 ? `{${pairs.join(r() < 0.5 ? ',' : ', ')}}` : '';
      lines.push(`${fam}${block} ${i}`);
      if (r() < 0.05) lines.push(`${fam}{${[...pairs].reverse().join(',')}} 7`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The batch as text: per sample, the series' labels (sorted), its fingerprint, time and value. */
function rows(batch: MetricBatch, reg: SeriesRegistry): string[] {
  return Array.from({ length: batch.length }, (_, i) => {
    const id = batch.series[i]!;
    const labels = reg.labels(id);
    const sorted = JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
    return `${sorted} ${reg.fingerprint(id)} ${batch.timestamps[i]} ${batch.values[i]}`;
  });
}

describe('ScrapeParser, series interned by text', () => {
  it('gives the series, labels, fingerprints and counts that label objects give, on random pages', () => {
    for (const seed of [1, 2, 3, 4]) {
      const r = rng(seed);
      const honorLabels = seed % 2 === 0;
      const targetLabels = { job: 'j', instance: seed === 3 ? '' : 'h:1' };
      const text = wrap(createSeriesRegistry(), true);
      const objects = wrap(createSeriesRegistry(), false);
      const a = createScrapeParser({ series: text, targetLabels, honorLabels });
      const b = createScrapeParser({ series: objects, targetLabels, honorLabels });
      for (let k = 0; k < 6; k++) {
        const body = page(r);
        const outA = new MetricBatchBuilder();
        const outB = new MetricBatchBuilder();
        const resA = a.parse(body, 'text', k, outA);
        const resB = b.parse(body, 'text', k, outB);
        expect(resA).toEqual(resB);
        expect(rows(outA.build(), text)).toEqual(rows(outB.build(), objects));
      }
      expect(text.size).toBe(objects.size);
      // most series take the text path (a clash to rename takes the label-object path)
      expect(text.textCalls).toBeGreaterThan(text.size / 4);
      for (let id = 0; id < text.size; id++) {
        const labels = text.labels(id);
        expect(Object.isFrozen(labels)).toBe(true);
        expect(text.fingerprint(id)).toBe(fingerprint(labels));
        expect(objects.lookup(labels)).toBeDefined();
      }
    }
  });

  it('maps one series to one id under any label order and escaping, on one page and across targets', () => {
    const series = createSeriesRegistry();
    const target = { targetLabels: { job: 'j' } };
    const one = createScrapeParser({ series, ...target });
    const two = createScrapeParser({ series, ...target });
    const out = new MetricBatchBuilder();
    const res = one.parse(
      'm{a="1",b="x\\"y\\\\z"} 1\nm{b="x\\"y\\\\z", a="1"} 2\nm{ b="x\\"y\\\\z",a="1",c=""} 3\n',
      'text',
      0,
      out,
    );
    expect(res.duplicates).toBe(2);
    const batch = out.build();
    expect(batch.length).toBe(1);
    const id = batch.series[0]!;
    // not built yet: the fingerprint comes from the page's text
    expect(series.fingerprint(id)).toBe(fingerprint({ __name__: 'm', a: '1', b: 'x"y\\z', job: 'j' }));
    const out2 = new MetricBatchBuilder();
    two.parse('m{b="x\\"y\\\\z",a="1"} 5\n', 'text', 0, out2);
    expect(out2.build().series[0]).toBe(id);
    expect(series.labels(id)).toEqual({ __name__: 'm', a: '1', b: 'x"y\\z', job: 'j' });
    expect(series.intern({ job: 'j', b: 'x"y\\z', __name__: 'm', a: '1' })).toBe(id);
    expect(series.size).toBe(1);
  });

  it('keeps an escape Prometheus does not undo as written, and non-ASCII values intact', () => {
    const series = createSeriesRegistry();
    const out = new MetricBatchBuilder();
    createScrapeParser({ series }).parse(
      'm{a="t\\tt",b="中😀"} 1\nm{b="中😀",a="t\\tt"} 2\n',
      'text',
      0,
      out,
    );
    const batch = out.build();
    expect(batch.length).toBe(1);
    const labels = { __name__: 'm', a: 't\\tt', b: '中😀' };
    expect(series.fingerprint(batch.series[0]!)).toBe(fingerprint(labels));
    expect(series.labels(batch.series[0]!)).toEqual(labels);
  });

  it('still reports a repeated label name and renames a clash with a target label', () => {
    const series = createSeriesRegistry();
    const parser = createScrapeParser({ series, targetLabels: { job: 'scrape' } });
    expect(() => parser.parse('m{a="1",a="2"} 1\n', 'text', 0, new MetricBatchBuilder())).toThrow(
      /duplicate label "a"/,
    );
    const out = new MetricBatchBuilder();
    createScrapeParser({ series, targetLabels: { job: 'scrape' } }).parse('m{job="app"} 1\n', 'text', 0, out);
    expect(series.labels(out.build().series[0]!)).toEqual({
      __name__: 'm',
      job: 'scrape',
      exported_job: 'app',
    });
  });

  it('takes a long label block (over 32 labels) and the label limits through the old path, with the same results', () => {
    const series = createSeriesRegistry();
    const names = Array.from({ length: 40 }, (_, i) => `l${String(i).padStart(2, '0')}`);
    const out = new MetricBatchBuilder();
    createScrapeParser({ series }).parse(`m{${names.map((n) => `${n}="v"`).join(',')}} 1\n`, 'text', 0, out);
    const labels = series.labels(out.build().series[0]!);
    expect(Object.keys(labels)).toHaveLength(41);
    expect(series.fingerprint(0)).toBe(fingerprint(labels));
    const limited = createScrapeParser({ series, limits: { labelLimit: 2, labelValueLengthLimit: 3 } });
    expect(() => limited.parse('m{a="1",b="2",c="3"} 1\n', 'text', 0, new MetricBatchBuilder())).toThrow(
      /label count exceeds the limit of 2/,
    );
    expect(() => limited.parse('m{a="x\\\\yz"} 1\n', 'text', 0, new MetricBatchBuilder())).toThrow(
      /length of the value of label "a" exceeds/,
    );
    // a raw value longer than the limit whose unescaped value fits is fine
    const ok = new MetricBatchBuilder();
    limited.parse('m{a="x\\\\y"} 1\n', 'text', 0, ok);
    expect(series.labels(ok.build().series[0]!)).toEqual({ __name__: 'm', a: 'x\\y' });
  });
});
