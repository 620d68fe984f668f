import { createSeriesRegistry, type Labels, MetricBatchBuilder } from '@argus/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createScrapeParser, ExpositionError, parseExposition } from '../src/index.js';
import { parseNumber } from '../src/internal/numbers.js';

const metricName = fc.stringMatching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,20}$/);
const labelName = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,12}$/).filter((n) => !n.startsWith('__'));
// values exercise every escape and the characters that delimit a label block
const labelValue = fc.string({
  unit: fc.constantFrom('a', 'Z', ' ', '"', '\\', '\n', '}', '{', ',', '=', '#', 'é', '😀'),
  maxLength: 12,
});
const value = fc.oneof(
  fc.double({ noDefaultInfinity: false, noNaN: false }).map((v) => (Object.is(v, -0) ? 0 : v)),
  fc.integer({ min: -1e9, max: 1e9 }),
);

const escapeValue = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const formatValue = (v: number) =>
  Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : String(v);

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestampMs?: number;
}

const sample: fc.Arbitrary<Sample> = fc.record(
  {
    name: metricName,
    labels: fc.dictionary(labelName, labelValue, { maxKeys: 4 }),
    value,
    timestampMs: fc.integer({ min: 0, max: 4_000_000_000_000 }),
  },
  { requiredKeys: ['name', 'labels', 'value'] },
);

function render(samples: readonly Sample[], om: boolean): string {
  const lines = samples.map((s) => {
    const block = Object.entries(s.labels).map(([k, v]) => `${k}="${escapeValue(v)}"`);
    const series = block.length ? `${s.name}{${block.join(',')}}` : s.name;
    const ts = s.timestampMs === undefined ? '' : ` ${om ? s.timestampMs / 1000 : s.timestampMs}`;
    return `${series} ${formatValue(s.value)}${ts}`;
  });
  return lines.map((l) => `${l}\n`).join('') + (om ? '# EOF\n' : '');
}

describe('parser properties', () => {
  it('round-trips random valid pages in both formats', () => {
    fc.assert(
      fc.property(fc.array(sample, { maxLength: 30 }), fc.boolean(), (samples, om) => {
        const parsed = parseExposition(render(samples, om), { format: om ? 'openmetrics' : 'text' });
        expect(
          parsed.samples.map((s) => ({
            name: s.name,
            labels: s.labels,
            value: s.value,
            timestampMs: s.timestampMs,
          })),
        ).toEqual(samples.map((s) => ({ ...s, timestampMs: s.timestampMs })));
      }),
      { numRuns: 400 },
    );
  });

  it('random bytes never crash the parser: it returns or throws ExpositionError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.boolean(), (bytes, om) => {
        const text = new TextDecoder().decode(bytes);
        try {
          parseExposition(text, { format: om ? 'openmetrics' : 'text' });
        } catch (err) {
          expect(err).toBeInstanceOf(ExpositionError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('valid pages cut or corrupted anywhere give a result or an ExpositionError with a line', () => {
    fc.assert(
      fc.property(
        fc.array(sample, { minLength: 1, maxLength: 10 }),
        fc.nat(),
        fc.constantFrom('', '"', '{', '}', '\\', ' ', '\n', '#', '\u0000'),
        (samples, at, insert) => {
          const page = render(samples, false);
          const cut = at % page.length;
          try {
            parseExposition(page.slice(0, cut) + insert + page.slice(cut + 1));
          } catch (err) {
            expect(err).toBeInstanceOf(ExpositionError);
            expect((err as ExpositionError).line).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('a huge single line is handled in one pass', () => {
    const page = `m{a="${'x'.repeat(2_000_000)}"} 1\n`;
    expect(parseExposition(page).samples[0]!.labels['a']).toHaveLength(2_000_000);
    expect(() => parseExposition(`m{a="${'\\"'.repeat(500_000)} 1\n`)).toThrow(/not closed/);
  });
});

describe('scrape parser properties', () => {
  // a first page's label blocks are scanned once, up to the end of their line, without finding their end first: a
  // block broken anywhere must fail as the parser that finds the end first (parseExposition) says
  it('a corrupted first page fails as parseExposition fails, with the same line and message, or parses alike', () => {
    const outcome = (parse: () => number): string => {
      try {
        return `ok ${parse()}`;
      } catch (err) {
        if (!(err instanceof ExpositionError)) throw err;
        return `${err.code} ${err.line} ${err.message}`;
      }
    };
    const same = (page: string) => {
      const parser = createScrapeParser({ series: createSeriesRegistry() });
      expect(
        outcome(() => parser.parse(page, 'text', 1, new MetricBatchBuilder()).samples),
        page,
      ).toBe(outcome(() => parseExposition(page).samples.length));
    };
    // a quote left open runs into the next line, where a quote and a "}" or "," could pass for a block's end
    same('m{a="v} 1\nn{b="},c="x"} 2\n');
    same('m{a="v} 1\nn{b=",c="x"} 2\n');
    same('m{a="v",b="w} 1\nn{c="}"} 2\n');
    same('m{a="v"\nn{c="}"} 2\n');
    fc.assert(
      fc.property(
        fc.array(sample, { minLength: 1, maxLength: 10 }),
        fc.nat(),
        fc.constantFrom('', '"', '{', '}', '\\', ' ', '\n', ',', '=', '\u0000'),
        (samples, at, insert) => {
          const good = render(samples, false);
          const cut = at % good.length;
          same(good.slice(0, cut) + insert + good.slice(cut + 1));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('successive pages (series reordered, added, removed, repeated) match a fresh parse, with stale markers for the vanished', () => {
    const pool = fc.uniqueArray(sample, {
      minLength: 1,
      maxLength: 12,
      selector: (s) => JSON.stringify([s.name, s.labels]),
    });
    fc.assert(
      fc.property(
        pool,
        fc.array(fc.array(fc.nat(), { maxLength: 14 }), { minLength: 1, maxLength: 6 }),
        (series, pages) => {
          const registry = createSeriesRegistry();
          const parser = createScrapeParser({ series: registry });
          const key = (l: Labels) => JSON.stringify(Object.entries(l).sort());
          let live = new Set<string>();
          pages.forEach((picks, p) => {
            const chosen = picks.map((k) => ({ ...series[k % series.length]!, timestampMs: undefined }));
            const out = new MetricBatchBuilder();
            parser.parse(render(chosen, false), 'text', p, out);
            const batch = out.build();
            const got = Array.from(batch.series, (id, i) => [
              key(registry.labels(id)),
              batch.values[i],
              batch.stale?.[i] === 1,
            ]);
            const firsts = new Map<string, number>();
            for (const s of chosen) {
              const k = key(
                Object.fromEntries(
                  Object.entries({ __name__: s.name, ...s.labels }).filter(([, v]) => v !== ''),
                ),
              );
              if (!firsts.has(k)) firsts.set(k, s.value);
            }
            const want = [...firsts].map(([k, v]) => [k, v, false]);
            const gone = [...live].filter((k) => !firsts.has(k)).sort();
            // stale markers follow the page's samples, in no particular order
            const sortStale = (rows: unknown[][]) => [
              ...rows.filter((r) => !r[2]),
              ...rows.filter((r) => r[2]).sort(),
            ];
            expect(sortStale(got)).toEqual([...want, ...gone.map((k) => [k, Number.NaN, true])]);
            live = new Set(firsts.keys());
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('number parsing', () => {
  it('agrees with Number() on decimal spellings, fast path or not', () => {
    const decimal = fc
      .tuple(
        fc.constantFrom('', '-', '+'),
        fc.stringMatching(/^\d{0,20}$/),
        fc.option(fc.stringMatching(/^\d{0,20}$/)),
        fc.option(
          fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), fc.stringMatching(/^\d{1,4}$/)),
        ),
      )
      .map(
        ([sign, int, frac, exp]) =>
          `${sign}${int}${frac === null ? '' : `.${frac}`}${exp === null ? '' : exp.join('')}`,
      )
      .filter((t) => /\d/.test(t.split(/[eE]/)[0]!));
    fc.assert(
      fc.property(decimal, (token) => {
        expect(parseNumber(`x${token}y`, 1, token.length + 1)).toBe(Number(token));
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
        // String() spells -0 as "0", so compare magnitudes there
        expect(parseNumber(String(v), 0, String(v).length)).toBe(Object.is(v, -0) ? 0 : v);
      }),
    );
  });

  it('rejects what Go would reject', () => {
    for (const bad of ['', '-', '1e', '1e+', '0x10', '1_000', 'Infinit', '--1', '1.2.3', '+NaN']) {
      expect(parseNumber(bad, 0, bad.length)).toBeUndefined();
    }
  });
});
