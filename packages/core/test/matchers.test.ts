import { describe, expect, it } from 'vitest';
import { labelMatcher, type MatcherSyntaxError, matchesLabels, parseMatchers } from '../src/index.js';

const plain = (s: string) => parseMatchers(s).map(({ name, op, value }) => [name, op, value]);

describe('parseMatchers', () => {
  it('parses every operator, quoting style and a metric name', () => {
    expect(plain('up{job="api", instance=~\'web-.*\', code!~`5..`, env!="dev",}')).toEqual([
      ['__name__', '=', 'up'],
      ['job', '=', 'api'],
      ['instance', '=~', 'web-.*'],
      ['code', '!~', '5..'],
      ['env', '!=', 'dev'],
    ]);
    expect(plain('  node_cpu:rate5m  ')).toEqual([['__name__', '=', 'node_cpu:rate5m']]);
  });

  it('unescapes double-quoted values like PromQL and keeps raw strings raw', () => {
    expect(plain('{a="x\\"y\\\\z\\n", b=`a\\.b`, c="\\u00e9"}')).toEqual([
      ['a', '=', 'x"y\\z\n'],
      ['b', '=', 'a\\.b'],
      ['c', '=', 'é'],
    ]);
  });

  it.each([
    ['', 0, 'needs a metric name'],
    ['{}', 2, 'needs a metric name'],
    ['{job="x"', 8, 'missing closing'],
    ['{job="x" instance="y"}', 9, 'expected "," or "}"'],
    ['{job=x}', 5, 'expected a quoted value'],
    ['{job=="x"}', 5, 'expected a quoted value'],
    ['{job<"x"}', 4, 'expected one of'],
    ['{9job="x"}', 1, 'expected a label name'],
    ['{job="x}', 5, 'unterminated'],
    ['{job="a\\.b"}', 8, 'unknown escape sequence'],
    ['up{job="x"} extra', 12, 'unexpected "e"'],
  ])('rejects %j at position %i', (selector, position, reason) => {
    let caught: MatcherSyntaxError | undefined;
    try {
      parseMatchers(selector);
    } catch (err) {
      caught = err as MatcherSyntaxError;
    }
    expect(caught?.code).toBe('ERR_MATCHER_SYNTAX');
    expect(caught?.position).toBe(position);
    expect(caught?.message).toContain(reason);
  });

  it('names the matcher whose regex is invalid, and where it starts', () => {
    expect(() => parseMatchers('{job="x", instance=~"a("}')).toThrow(
      /at position 10: in matcher instance=~"a\(": invalid regular expression "a\(":/,
    );
  });
});

describe('matchesLabels', () => {
  const labels = { __name__: 'up', job: 'api', instance: 'web-1:9100' };
  const m = (s: string) => matchesLabels(parseMatchers(s), labels);

  it('anchors regexes at both ends, as Prometheus does', () => {
    expect(m('{instance=~"web-\\\\d"}')).toBe(false);
    expect(m('{instance=~"web-\\\\d:9100"}')).toBe(true);
    expect(m('{job=~"ap"}')).toBe(false);
    expect(m('{job=~"ap|api"}')).toBe(true);
    expect(m('{job!~"a.*"}')).toBe(false);
  });

  it('treats a missing label as the empty string', () => {
    expect(m('{zone=""}')).toBe(true);
    expect(m('{zone!=""}')).toBe(false);
    expect(m('{zone=~".*"}')).toBe(true);
    expect(m('{zone=~".+"}')).toBe(false);
    expect(m('{zone!~"eu"}')).toBe(true);
  });

  it('requires every matcher, including the metric name', () => {
    expect(m('up{job="api"}')).toBe(true);
    expect(m('down{job="api"}')).toBe(false);
    expect(m('{job="api", instance!="web-1:9100"}')).toBe(false);
  });

  it('understands the RE2 spellings (?i) and (?P<name>…)', () => {
    expect(matchesLabels([labelMatcher('job', '=~', '(?i)API')], labels)).toBe(true);
    expect(matchesLabels([labelMatcher('job', '=~', '(?P<x>a)pi')], labels)).toBe(true);
  });

  it('does not let a regex escape its anchoring group', () => {
    expect(() => labelMatcher('job', '=~', 'x)|(.*')).toThrow(/invalid regular expression/);
  });
});
