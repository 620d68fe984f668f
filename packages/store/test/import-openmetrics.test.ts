import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStore, ImportError, importOpenMetrics } from '../src/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'argus-import-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const om = (name: string, text: string): string => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

async function read(dataDir: string, matchers: string): Promise<Map<string, [number, number][]>> {
  const store = createStore({ dataDir, retentionMs: 1e12 });
  await store.open();
  const out = new Map<string, [number, number][]>();
  for (const s of store.readSeries(matchers, 0, 1e15))
    out.set(
      JSON.stringify(s.labels),
      Array.from(s.timestamps, (t, i) => [t, s.values[i]!]),
    );
  await store.close();
  return out;
}

describe('importOpenMetrics', () => {
  it('imports samples given in any order, sorted per series, with metadata', async () => {
    const file = om(
      'a.om',
      [
        '# TYPE http_requests counter',
        '# HELP http_requests Total \\"requests\\".',
        'http_requests_total{code="200",path="/a\\"b"} 5 1700000030',
        'temperature 21.5 1700000000.5',
        'http_requests_total{code="200",path="/a\\"b"} 1 1700000000',
        'temperature +Inf 1700000010 # {trace_id="x"} 1 1700000010',
        'http_requests_total{code="200",path="/a\\"b"} 3 1700000015',
        'temperature NaN 1699999990',
        '# EOF',
        '',
      ].join('\n'),
    );
    const data = join(dir, 'data');
    const summary = await importOpenMetrics({ file, dataDir: data, bufferSamples: 2 });
    expect(summary).toEqual({ series: 2, samples: 6, refused: 0, duplicates: 0, outOfOrder: 0 });
    const got = await read(data, '{__name__=~".+"}');
    expect(got.get(JSON.stringify({ __name__: 'http_requests_total', code: '200', path: '/a"b' }))).toEqual([
      [1_700_000_000_000, 1],
      [1_700_000_015_000, 3],
      [1_700_000_030_000, 5],
    ]);
    expect(got.get(JSON.stringify({ __name__: 'temperature' }))).toEqual([
      [1_699_999_990_000, Number.NaN],
      [1_700_000_000_500, 21.5],
      [1_700_000_010_000, Infinity],
    ]);
    expect(JSON.parse(readFileSync(join(data, 'metadata.json'), 'utf8'))).toEqual({
      http_requests: [{ type: 'counter', help: 'Total "requests".', unit: '' }],
    });
  });

  it('adds to existing data and sorts across many spilled runs', async () => {
    const data = join(dir, 'data');
    const store = createStore({ dataDir: data });
    await store.open();
    store.append({ __name__: 'up' }, 1_699_999_999_000, 1);
    await store.close();
    const lines: string[] = [];
    // 300 samples of 3 series in reverse time order, spilled in runs of 7
    for (let i = 299; i >= 0; i--) lines.push(`x{i="${i % 3}"} ${i} ${1_700_000_000 + i}`);
    const summary = await importOpenMetrics({
      file: om('b.om', `${lines.join('\n')}\n# EOF\n`),
      dataDir: data,
      bufferSamples: 7,
    });
    // written to the store in time order: nothing went through its out-of-order path
    expect(summary).toEqual({ series: 3, samples: 300, refused: 0, duplicates: 0, outOfOrder: 0 });
    const got = await read(data, '{__name__=~".+"}');
    expect(got.get(JSON.stringify({ __name__: 'up' }))).toEqual([[1_699_999_999_000, 1]]);
    for (const k of ['0', '1', '2']) {
      const s = got.get(JSON.stringify({ __name__: 'x', i: k }))!;
      expect(s).toHaveLength(100);
      expect(s.map(([t]) => t)).toEqual([...s.map(([t]) => t)].sort((a, b) => a - b));
      expect(s.every(([t, v]) => t === (1_700_000_000 + v) * 1000)).toBe(true);
    }
  });

  it.each([
    ['x 1 1\nx{a="b} 2 2\n# EOF\n', 2, 'unterminated value of label a'],
    ['x 1 1\nx abc 2\n# EOF\n', 2, 'invalid value "abc"'],
    ['x 1 1\nx 2\n# EOF\n', 2, 'expected a timestamp for series x{}, got none'],
    ['x 1 1\nx 2 2\n', 2, 'data does not end with # EOF'],
    ['x 1 1\n# EOF\nx 2 2\n', 3, 'unexpected data after # EOF'],
    ['# TYPE x countr\n# EOF\n', 1, 'invalid metric type "countr"'],
    [
      'x 1 1\ny 1 1\nx 2 3\nx 2 1\n# EOF\n',
      4,
      'duplicate sample for timestamp 1000 of series x{} with a different value (first at line 1)',
    ],
  ])('refuses %j at line %i and leaves the data directory as it was', async (text, line, message) => {
    const data = join(dir, 'data');
    const store = createStore({ dataDir: data });
    await store.open();
    store.append({ __name__: 'up' }, 1_000, 1);
    await store.close();
    const before = readdirSync(data).sort();
    const err = await importOpenMetrics({ file: om('bad.om', text), dataDir: data, bufferSamples: 1 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ImportError);
    expect((err as ImportError).message).toBe(`${join(dir, 'bad.om')}:${line}: ${message}`);
    expect((err as ImportError).line).toBe(line);
    expect(readdirSync(data).sort()).toEqual(before);
    expect(readdirSync(dir).sort()).toEqual(['bad.om', 'data']);
    expect([...(await read(data, '{__name__=~".+"}')).keys()]).toEqual([JSON.stringify({ __name__: 'up' })]);
  });

  it('skips identical repeats and counts them', async () => {
    const file = om('d.om', 'x 1 1\nx 1 1\nx 2 2\n# EOF\n');
    const s = await importOpenMetrics({ file, dataDir: join(dir, 'data') });
    expect(s).toEqual({ series: 1, samples: 2, refused: 0, duplicates: 1, outOfOrder: 0 });
  });
});
