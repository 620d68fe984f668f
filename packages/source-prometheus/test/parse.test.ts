import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ExpositionError, parseExposition } from '../src/index.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

function errorOf(fn: () => unknown): ExpositionError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ExpositionError) return err;
    throw err;
  }
  throw new Error('expected an ExpositionError');
}

describe('parseExposition: text 0.0.4', () => {
  it('reads counters, gauges, untyped series and timestamps', () => {
    const page = [
      '# HELP http_requests_total Total requests.',
      '# TYPE http_requests_total counter',
      'http_requests_total{method="post",code="200"} 1027 1395066363000',
      'http_requests_total{method="post",code="400"}    3',
      '# TYPE temp gauge',
      'temp -12.5',
      'plain_metric 1e3',
      '',
    ].join('\n');
    const { samples, metadata } = parseExposition(page);
    expect(samples.map((s) => [s.name, s.labels, s.value, s.timestampMs, s.type])).toEqual([
      ['http_requests_total', { method: 'post', code: '200' }, 1027, 1395066363000, 'counter'],
      ['http_requests_total', { method: 'post', code: '400' }, 3, undefined, 'counter'],
      ['temp', {}, -12.5, undefined, 'gauge'],
      ['plain_metric', {}, 1000, undefined, 'untyped'],
    ]);
    expect(metadata.get('http_requests_total')).toEqual({ help: 'Total requests.', type: 'counter' });
  });

  it('attaches histogram and summary lines to their family', () => {
    const page = fixture('histogram-summary.prom');
    const { samples } = parseExposition(page);
    const byName = (n: string) => samples.filter((s) => s.name === n);
    expect(byName('rpc_duration_seconds_bucket').map((s) => [s.labels['le'], s.value])).toEqual([
      ['0.1', 2],
      ['0.5', 4],
      ['+Inf', 5],
    ]);
    expect(byName('rpc_duration_seconds_sum')[0]).toMatchObject({
      value: 1.7,
      family: 'rpc_duration_seconds',
      type: 'histogram',
    });
    expect(byName('rpc_quantiles')[1]).toMatchObject({
      labels: { quantile: '0.99' },
      value: 0.25,
      type: 'summary',
    });
    expect(byName('rpc_quantiles_count')[0]).toMatchObject({ value: 9, family: 'rpc_quantiles' });
  });

  it('reads NaN, +Inf, -Inf and Go float spellings', () => {
    const { samples } = parseExposition(
      'a NaN\nb +Inf\nc -Inf\nd Inf\ne 1.5e-3\nf -0.25\ng .5\nh 12345678901234567e4\n',
    );
    expect(samples.map((s) => s.value)).toEqual([
      Number.NaN,
      Infinity,
      -Infinity,
      Infinity,
      0.0015,
      -0.25,
      0.5,
      12345678901234567e4,
    ]);
  });

  it('unescapes label values and HELP text', () => {
    const page = '# HELP m a \\\\ b\\nc "q"\nm{path="/a\\"b\\\\c\\nd",other="x\\ty"} 1\n';
    const { samples, metadata } = parseExposition(page);
    expect(samples[0]!.labels).toEqual({ path: '/a"b\\c\nd', other: 'x\\ty' });
    expect(metadata.get('m')?.help).toBe('a \\ b\nc "q"');
  });

  it('accepts a trailing comma and spaces in the block', () => {
    const { samples } = parseExposition('m{ a="1" , b="}{ 2",} 7\nn 8\n');
    expect(samples.map((s) => [s.labels, s.value])).toEqual([
      [{ a: '1', b: '}{ 2' }, 7],
      [{}, 8],
    ]);
  });

  it('refuses a page without its final line feed: it may have been cut mid-number', () => {
    expect(errorOf(() => parseExposition('a 1\nb 12')).message).toMatch(
      /line 2: page does not end with a line feed/,
    );
    expect(parseExposition('').samples).toEqual([]);
  });

  it('reads the page node-exporter 1.5.0 served (every sample line)', () => {
    const page = fixture('node-exporter.prom');
    const lines = page.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    const { samples } = parseExposition(page);
    expect(samples).toHaveLength(lines.length);
    const cpu = samples.find((s) => s.name === 'node_cpu_seconds_total' && s.labels['mode'] === 'idle');
    expect(cpu?.type).toBe('counter');
    expect(cpu?.labels['cpu']).toBe('0');
  });
});

describe('parseExposition: OpenMetrics 1.0', () => {
  const om = fixture('openmetrics.txt');

  it('reads families, _total, exemplars and # EOF', () => {
    const { samples, metadata } = parseExposition(om, { format: 'openmetrics' });
    const total = samples.find((s) => s.name === 'demo_requests_total');
    expect(total).toMatchObject({
      value: 5,
      family: 'demo_requests',
      type: 'counter',
      created: false,
      labels: { path: '/a' },
    });
    expect(metadata.get('demo_requests')).toEqual({
      type: 'counter',
      unit: 'requests',
      help: 'Total requests.',
    });
    expect(samples.filter((s) => s.name === 'demo_latency_seconds_bucket')).toHaveLength(2);
  });

  it('marks _created lines and converts timestamps from seconds', () => {
    const { samples } = parseExposition(om, { format: 'openmetrics' });
    expect(samples.find((s) => s.name === 'demo_requests_created')).toMatchObject({
      created: true,
      value: 1700000000,
    });
    expect(samples.find((s) => s.name === 'temperature')).toMatchObject({
      timestampMs: 1700000000123,
      created: false,
    });
    // a gauge that merely ends in _created is a measurement
    expect(samples.find((s) => s.name === 'jobs_created')).toMatchObject({ created: false, value: 3 });
  });

  it('requires # EOF and nothing after it', () => {
    expect(errorOf(() => parseExposition('a 1\n', { format: 'openmetrics' })).message).toMatch(
      /does not end with "# EOF"/,
    );
    const after = errorOf(() => parseExposition('a 1\n# EOF\nb 2\n', { format: 'openmetrics' }));
    expect([after.line, after.message]).toEqual([3, expect.stringMatching(/after "# EOF"/)]);
  });

  it('refuses blank lines and free comments that 0.0.4 allows', () => {
    expect(errorOf(() => parseExposition('a 1\n\n# EOF\n', { format: 'openmetrics' })).line).toBe(2);
    expect(errorOf(() => parseExposition('# hello\n# EOF\n', { format: 'openmetrics' })).line).toBe(1);
    expect(parseExposition('# hello\n\na 1\n').samples).toHaveLength(1);
  });
});

describe('parseExposition: malformed input names the line', () => {
  const cases: [string, string, number, RegExp][] = [
    ['unclosed label block', 'ok 1\nm{a="1" 2\n', 2, /not closed/],
    ['bad label name', 'm{1a="x"} 1\n', 1, /invalid label name/],
    ['unquoted value', 'm{a=x} 1\n', 1, /quoted value/],
    ['duplicate label', 'm{a="1",a="2"} 1\n', 1, /duplicate label "a"/],
    ['missing value', 'm{a="1"}\n', 1, /expected a space and a value/],
    ['bad value', 'ok 1\nok2 1\nm 12abc\n', 3, /invalid value "12abc"/],
    ['fractional text timestamp', 'm 1 1.5\n', 1, /invalid timestamp/],
    ['text after timestamp', 'm 1 2 3\n', 1, /unexpected text/],
    ['exemplar in 0.0.4', 'm 1 # {a="b"} 1\n', 1, /exemplars need OpenMetrics/],
    ['name starting with a digit', '9m 1\n', 1, /expected a metric name/],
    ['HTML', '<!DOCTYPE html>\n<html></html>\n', 1, /expected a metric name/],
    ['unknown type', '# TYPE m widget\n', 1, /unknown metric type "widget"/],
    ['second TYPE', '# TYPE m gauge\n# TYPE m counter\n', 2, /second TYPE line/],
    ['__name__ in block', 'm{__name__="x"} 1\n', 1, /__name__/],
  ];
  it.each(cases)('%s', (_what, page, line, message) => {
    const err = errorOf(() => parseExposition(page));
    expect(err.code).toBe('ERR_EXPOSITION_SYNTAX');
    expect(err.line).toBe(line);
    expect(err.message).toMatch(message);
  });

  it('quotes the excerpt so control characters cannot forge log lines', () => {
    const err = errorOf(() => parseExposition('m{a="1"} x\u001b[31m\n'));
    expect(err.message).toContain('\\u001b');
  });
});

describe('parseExposition: limits', () => {
  it('enforces sample, label count and label length limits', () => {
    const page = 'a{x="1"} 1\nb{x="1",y="2",z="3"} 2\nc{long_label_name="v"} 3\nd{x="0123456789"} 4\n';
    const limit = (limits: object) => errorOf(() => parseExposition(page, { limits }));
    expect(limit({ sampleLimit: 2 })).toMatchObject({ code: 'ERR_EXPOSITION_LIMIT', line: 3 });
    expect(limit({ labelLimit: 2 })).toMatchObject({ code: 'ERR_EXPOSITION_LIMIT', line: 2 });
    expect(limit({ labelNameLengthLimit: 10 }).line).toBe(3);
    expect(limit({ labelValueLengthLimit: 5 }).line).toBe(4);
    expect(parseExposition(page, { limits: { sampleLimit: 4, labelLimit: 3 } }).samples).toHaveLength(4);
  });
});
