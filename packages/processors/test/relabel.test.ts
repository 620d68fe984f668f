// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${1} here is Prometheus template syntax, not a JS template
import { createSeriesRegistry, type Labels } from '@argus/core';
import { describe, expect, it } from 'vitest';
import { type RelabelRule, relabel } from '../src/index.js';
import { batchOf, copyColumns, optionsError, readRows, stageContext } from './helpers.js';

/** Relabels one series through the processor; undefined when it is dropped. */
function run(rules: RelabelRule[], labels: Labels): Labels | undefined {
  const ctx = stageContext();
  const out = relabel({ rules }).process(batchOf(ctx.series, [[labels, 1, 1]]), ctx);
  return out.length === 0 ? undefined : ctx.series.labels(out.series[0]!);
}

// Cases from Prometheus's model/relabel/relabel_test.go (TestRelabel), with the outputs Prometheus gives.
describe('relabel: Prometheus semantics', () => {
  const abc = { a: 'foo', b: 'bar', c: 'baz' };

  it('replace expands ${1} and $1 capture groups, rules applying in order', () => {
    expect(
      run([{ sourceLabels: ['a'], regex: 'f(.*)', targetLabel: 'd', replacement: 'ch${1}-ch${1}' }], abc),
    ).toEqual({ ...abc, d: 'choo-choo' });
    expect(
      run(
        [
          { sourceLabels: ['a', 'b'], regex: 'f(.*);(.*)r', targetLabel: 'a', replacement: 'b${1}${2}m' },
          { sourceLabels: ['c', 'a'], regex: '(b).*b(.*)ba(.*)', targetLabel: 'd', replacement: '$1$2$2$3' },
        ],
        abc,
      ),
    ).toEqual({ a: 'boobam', b: 'bar', c: 'baz', d: 'boooom' });
    expect(run([{ sourceLabels: ['a'], regex: '.*(b).*', targetLabel: 'd' }], { a: 'abc' })).toEqual({
      a: 'abc',
      d: 'b',
    });
  });

  it('replace does nothing when the regex does not match the whole value', () => {
    expect(
      run([{ sourceLabels: ['a'], regex: 'f', targetLabel: 'b', replacement: 'bar' }], { a: 'boo' }),
    ).toEqual({ a: 'boo' });
  });

  it('keep and drop match the anchored regex against the joined source values', () => {
    const drop: RelabelRule = { sourceLabels: ['a'], regex: '.*o.*', action: 'drop' };
    expect(
      run([drop, { sourceLabels: ['a'], regex: 'f(.*)', targetLabel: 'd' }], { a: 'foo' }),
    ).toBeUndefined();
    expect(run([{ sourceLabels: ['a'], regex: 'no-match', action: 'drop' }], { a: 'foo' })).toEqual({
      a: 'foo',
    });
    expect(run([{ sourceLabels: ['a'], regex: 'f|o', action: 'drop' }], { a: 'foo' })).toEqual({ a: 'foo' });
    expect(run([{ sourceLabels: ['a'], regex: 'no-match', action: 'keep' }], { a: 'foo' })).toBeUndefined();
    expect(run([{ sourceLabels: ['a'], regex: 'f.*', action: 'keep' }], { a: 'foo' })).toEqual({ a: 'foo' });
  });

  it('hashmod matches Prometheus (md5, last 8 bytes, modulo)', () => {
    const rule = { sourceLabels: ['c'], targetLabel: 'd', action: 'hashmod', modulus: 1000 } as const;
    expect(run([rule], abc)).toEqual({ ...abc, d: '976' });
    expect(run([{ ...rule, sourceLabels: ['a'], targetLabel: 'b' }], { a: 'foo\nbar' })).toEqual({
      a: 'foo\nbar',
      b: '734',
    });
  });

  it('labelmap copies matching label names through the replacement', () => {
    expect(
      run([{ action: 'labelmap', regex: '(b.*)', replacement: 'bar_${1}' }], {
        a: 'foo',
        b1: 'bar',
        b2: 'baz',
      }),
    ).toEqual({ a: 'foo', b1: 'bar', b2: 'baz', bar_b1: 'bar', bar_b2: 'baz' });
    const meta = { a: 'foo', __meta_my_bar: 'aaa', __meta_my_baz: 'bbb', __meta_other: 'ccc' };
    expect(run([{ action: 'labelmap', regex: '__meta_(my.*)', replacement: '${1}' }], meta)).toEqual({
      ...meta,
      my_bar: 'aaa',
      my_baz: 'bbb',
    });
  });

  it('templated target labels, and empty or invalid results', () => {
    const rule = {
      sourceLabels: ['a'],
      regex: 'some-([^-]+)-([^,]+)',
      replacement: '${2}',
      targetLabel: '${1}',
    };
    expect(run([rule], { a: 'some-name-value' })).toEqual({ a: 'some-name-value', name: 'value' });
    // an empty replacement deletes the target; an invalid target name is skipped
    expect(run([{ ...rule, replacement: '${3}' }], { a: 'some-name-value' })).toEqual({
      a: 'some-name-value',
    });
    expect(run([{ ...rule, replacement: '${1}', targetLabel: '${3}' }], { a: 'some-name-0' })).toEqual({
      a: 'some-name-0',
    });
  });

  it('handles the real-life service discovery example', () => {
    const tags = 'path:/secret,job:some-job,label:foo=bar';
    const src = ['__meta_sd_tags'];
    expect(
      run(
        [
          {
            sourceLabels: src,
            regex: '(?:.+,|^)path:(/[^,]+).*',
            replacement: '${1}',
            targetLabel: '__metrics_path__',
          },
          { sourceLabels: src, regex: '(?:.+,|^)job:([^,]+).*', replacement: '${1}', targetLabel: 'job' },
          {
            sourceLabels: src,
            regex: '(?:.+,|^)label:([^=]+)=([^,]+).*',
            replacement: '${2}',
            targetLabel: '${1}',
          },
        ],
        { __meta_sd_tags: tags },
      ),
    ).toEqual({ __meta_sd_tags: tags, __metrics_path__: '/secret', job: 'some-job', foo: 'bar' });
  });

  it('labelkeep, labeldrop, lowercase, uppercase', () => {
    const b = { a: 'foo', b1: 'bar', b2: 'baz' };
    expect(run([{ action: 'labelkeep', regex: '(b.*)' }], b)).toEqual({ b1: 'bar', b2: 'baz' });
    expect(run([{ action: 'labeldrop', regex: '(b.*)' }], b)).toEqual({ a: 'foo' });
    expect(
      run(
        [
          { sourceLabels: ['foo'], action: 'uppercase', targetLabel: 'foo_uppercase' },
          { sourceLabels: ['foo'], action: 'lowercase', targetLabel: 'foo_lowercase' },
        ],
        { foo: 'bAr123Foo' },
      ),
    ).toEqual({ foo: 'bAr123Foo', foo_lowercase: 'bar123foo', foo_uppercase: 'BAR123FOO' });
  });

  it('keepequal and dropequal compare the source value with the target label', () => {
    const ports = { __tmp_port: '1234', __port1: '1234', __port2: '5678' };
    const rule = (action: 'keepequal' | 'dropequal', targetLabel: string): RelabelRule[] => [
      { sourceLabels: ['__tmp_port'], action, targetLabel },
    ];
    expect(run(rule('keepequal', '__port1'), ports)).toEqual(ports);
    expect(run(rule('dropequal', '__port1'), ports)).toBeUndefined();
    expect(run(rule('dropequal', '__port2'), ports)).toEqual(ports);
    expect(run(rule('keepequal', '__port2'), ports)).toBeUndefined();
  });

  it('expands templates like Go: $$, $1x as a (missing) name, named groups', () => {
    const r = (replacement: string) =>
      run([{ sourceLabels: ['a'], regex: '(?P<first>x)(y)', targetLabel: 'b', replacement }], { a: 'xy' })?.[
        'b'
      ];
    expect(r('$$1-${2}')).toBe('$1-y');
    expect(r('$1x|')).toBe('|');
    expect(r('${first}_$first')).toBe('x_x');
    expect(r('$ {1}')).toBe('$ {1}');
  });

  it('drops a series left without labels', () => {
    expect(run([{ action: 'labeldrop', regex: '.*' }], { a: '1' })).toBeUndefined();
  });

  it('accepts Prometheus YAML spellings pasted as they are', () => {
    const pasted = [
      { source_labels: ['__name__'], regex: 'go_.*', action: 'DROP' },
      { source_labels: ['instance'], regex: '([^:]+):.*', target_label: 'host' },
    ] as unknown as RelabelRule[];
    expect(run(pasted, { __name__: 'go_goroutines' })).toBeUndefined();
    expect(run(pasted, { __name__: 'up', instance: 'web-1:9100' })).toEqual({
      __name__: 'up',
      instance: 'web-1:9100',
      host: 'web-1',
    });
  });
});

describe('relabel processor', () => {
  it('re-interns output series once per input series, mid-stream series included', () => {
    const ctx = stageContext(createSeriesRegistry());
    const p = relabel({
      rules: [
        { sourceLabels: ['job'], regex: 'db', action: 'drop' },
        { action: 'labeldrop', regex: 'pod' },
      ],
    });
    const first = batchOf(ctx.series, [
      [{ job: 'api', pod: 'p1' }, 1, 1],
      [{ job: 'db', pod: 'p1' }, 1, 2],
      [{ job: 'api', pod: 'p2' }, 1, 3, true],
    ]);
    const before = copyColumns(first);
    const out = p.process(first, ctx);
    expect(copyColumns(first)).toEqual(before);
    expect(readRows(ctx.series, out)).toEqual([
      ['{job="api"}', 1, 1],
      ['{job="api"}', 1, 3, 'stale'],
    ]);
    const size = ctx.series.size;
    const next = batchOf(ctx.series, [
      [{ job: 'web', pod: 'p9' }, 2, 4],
      [{ job: 'api', pod: 'p1' }, 2, 5],
    ]);
    expect(readRows(ctx.series, p.process(next, ctx))).toEqual([
      ['{job="web"}', 2, 4],
      ['{job="api"}', 2, 5],
    ]);
    // one new input series and one new output series; nothing re-interned for the known ones
    expect(ctx.series.size).toBe(size + 2);
  });

  it('drops (and counts) samples whose output series the series cap refuses', () => {
    const ctx = stageContext(createSeriesRegistry({ maxSeries: 1 }));
    const input = batchOf(ctx.series, [[{ job: 'api' }, 1, 1]]);
    const out = relabel({ rules: [{ targetLabel: 'env', replacement: 'prod' }] }).process(input, ctx);
    expect(out.length).toBe(0);
    expect(ctx.counts).toEqual({ seriesRejected: 1 });
  });

  it('returns the batch itself when no series changes', () => {
    const ctx = stageContext();
    const input = batchOf(ctx.series, [[{ job: 'api' }, 1, 1]]);
    expect(relabel({ rules: [{ action: 'labeldrop', regex: 'pod' }] }).process(input, ctx)).toBe(input);
  });

  it('rejects bad rules with ERR_PLUGIN_OPTIONS naming the rule and field', () => {
    expect(optionsError(() => relabel({ rules: [{ sourceLabels: ['a'] }] }))).toMatch(
      /rules\[0\]\.targetLabel: the replace action requires targetLabel/,
    );
    expect(
      optionsError(() =>
        relabel({
          rules: [
            { action: 'keep', sourceLabels: ['a'] },
            { action: 'keep', regex: 'a(' },
          ],
        }),
      ),
    ).toMatch(/rules\[1\]\.regex: invalid regular expression "a\("/);
    expect(optionsError(() => relabel({ rules: [{ action: 'hashmod', targetLabel: 'x' }] }))).toMatch(
      /rules\[0\]\.modulus:/,
    );
    expect(
      optionsError(() => relabel({ rules: [{ action: 'labeldrop', regex: 'a', targetLabel: 'x' }] })),
    ).toMatch(/rules\[0\]\.action: the labeldrop action takes only regex/);
    expect(optionsError(() => relabel({ rules: [{ action: 'nope' as never }] }))).toMatch(
      /rules\[0\]\.action:/,
    );
    expect(optionsError(() => relabel({ rules: [{ targetLabel: '-x' }] }))).toMatch(
      /rules\[0\]\.targetLabel:/,
    );
    expect(optionsError(() => relabel({ rules: [] }))).toMatch(/- rules:/);
  });
});
