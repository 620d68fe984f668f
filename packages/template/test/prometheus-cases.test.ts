// The cases of Prometheus 2.42's template/template_test.go (TestTemplateExpansion): inputs and expected
// outputs, run through expandTemplate as Prometheus's Expander.Expand runs them. Go's int64/uint64/int/uint
// inputs are bigints here, float64 inputs numbers. The cases the Go test runs through ExpandHTML
// (html/template's contextual escaping) run with `html: true`.
import { describe, expect, it } from 'vitest';
import { expandTemplate, type QuerySample } from '../src/index.js';

interface Case {
  text: string;
  output?: string;
  input?: unknown;
  missingKey?: 'default' | 'zero' | 'error';
  queryResult?: QuerySample[];
  errorMsg?: string;
}

const MAX_INT64 = 9223372036854775807n;
const MIN_INT64 = -9223372036854775808n;
const MAX_UINT64 = 18446744073709551615n;
const metric = (labels: Record<string, string>, value: number): QuerySample => ({
  labels: { __name__: 'metric', ...labels },
  value,
});

const CASES: Case[] = [
  { text: 'plain text', output: 'plain text' },
  { text: '{{ 1 }}', output: '1' },
  {
    text: '{{\u00a0}}',
    errorMsg: 'error parsing template test: template: test:1: unrecognized character in action: U+00A0',
  },
  { text: '{{ "<b>" }}', output: '<b>' },
  { text: '{{define "x"}}{{.arg0}} {{.arg1}}{{end}}{{template "x" (args 1 "2")}}', output: '1 2' },
  { text: '{{ query "1.5" | first | value }}', output: '1.5', queryResult: [{ labels: {}, value: 1.5 }] },
  {
    text: '{{ query "metric{instance=\'a\'}" | first | value }}',
    queryResult: [metric({ instance: 'a' }, 11)],
    output: '11',
  },
  {
    text: '{{ query "metric{instance=\'a\'}" | first | label "instance" }}',
    queryResult: [metric({ instance: 'a' }, 11)],
    output: 'a',
  },
  {
    text: '{{ query "metric{__value__=\'a\'}" | first | strvalue }}',
    queryResult: [metric({ __value__: 'a' }, 11)],
    output: 'a',
  },
  {
    text: '{{ query "metric{instance=\'a\'}" | first | label "foo" }}',
    queryResult: [metric({ instance: 'a' }, 11)],
    output: '',
  },
  {
    text: '{{ $x := query "metric" | first }}{{ $x.Labels.foo }}',
    queryResult: [metric({ instance: 'a' }, 11)],
    output: '',
  },
  {
    text: '{{ range query "metric" | sortByLabel "instance" }}{{.Labels.instance}}:{{.Value}}: {{end}}',
    queryResult: [metric({ instance: 'b' }, 21), metric({ instance: 'a' }, 11)],
    output: 'a:11: b:21: ',
  },
  { text: '{{ "foo.example.com" | stripPort }}', output: 'foo.example.com' },
  { text: '{{ "foo.example.com:12345" | stripPort }}', output: 'foo.example.com' },
  { text: '{{ "192.0.2.1" | stripPort }}', output: '192.0.2.1' },
  { text: '{{ "192.0.2.1:12345" | stripPort }}', output: '192.0.2.1' },
  { text: '{{ "2001:0DB8::1" | stripPort }}', output: '2001:0DB8::1' },
  { text: '{{ "[2001:0DB8::1]:12345" | stripPort }}', output: '2001:0DB8::1' },
  { text: '{{ "[2001:0DB8::1]::12345" | stripPort }}', output: '[2001:0DB8::1]::12345' },
  { text: '{{ .Foo }}', output: '<no value>' },
  { text: '{{ .Foo }}', missingKey: 'default', output: '<no value>' },
  {
    text: '{{ .Foo }}',
    missingKey: 'error',
    errorMsg:
      'error executing template test: template: test:1:3: executing "test" at <.Foo>: nil data; no entry for key "Foo"',
  },
  { text: '{{', errorMsg: 'error parsing template test: template: test:1: unclosed action' },
  {
    text: '{{ query "missing" | first }}',
    queryResult: [],
    errorMsg:
      'error executing template test: template: test:1:21: executing "test" at <first>: error calling first: first() called on vector with no elements',
  },
  {
    text: '{{ (query "missing").banana }}',
    queryResult: [],
    errorMsg:
      'error executing template test: template: test:1:10: executing "test" at <"missing">: can\'t evaluate field banana in type template.queryResult',
  },
  { text: '{{ reReplaceAll "(a)b" "x$1" "ab" }}', output: 'xa' },
  {
    text: '{{ range . }}{{ humanize . }}:{{ end }}',
    input: [0.0, 1.0, 1234567.0, 0.12],
    output: '0:1:1.235M:120m:',
  },
  {
    text: '{{ range . }}{{ humanize . }}:{{ end }}',
    input: ['0.0', '1.0', '1234567.0', '.12'],
    output: '0:1:1.235M:120m:',
  },
  {
    text: '{{ humanize "one" }}',
    errorMsg:
      'error executing template test: template: test:1:3: executing "test" at <humanize "one">: error calling humanize: strconv.ParseFloat: parsing "one": invalid syntax',
  },
  {
    text: '{{ range . }}{{ humanize . }}:{{ end }}',
    input: [0n, -1n, 1n, 1234567n, MAX_INT64],
    output: '0:-1:1:1.235M:9.223E:',
  },
  {
    text: '{{ range . }}{{ humanize . }}:{{ end }}',
    input: [0n, 1n, 1234567n, MAX_UINT64],
    output: '0:1:1.235M:18.45E:',
  },
  {
    text: '{{ range . }}{{ humanize1024 . }}:{{ end }}',
    input: [0.0, 1.0, 1048576.0, 0.12],
    output: '0:1:1Mi:0.12:',
  },
  {
    text: '{{ range . }}{{ humanize1024 . }}:{{ end }}',
    input: ['0.0', '1.0', '1048576.0', '.12'],
    output: '0:1:1Mi:0.12:',
  },
  {
    text: '{{ humanize1024 "one" }}',
    errorMsg:
      'error executing template test: template: test:1:3: executing "test" at <humanize1024 "one">: error calling humanize1024: strconv.ParseFloat: parsing "one": invalid syntax',
  },
  {
    text: '{{ range . }}{{ humanize1024 . }}:{{ end }}',
    input: [0n, -1n, 1n, 1234567n, MAX_INT64],
    output: '0:-1:1:1.177Mi:8Ei:',
  },
  {
    text: '{{ range . }}{{ humanize1024 . }}:{{ end }}',
    input: [0n, 1n, 1234567n, MAX_UINT64],
    output: '0:1:1.177Mi:16Ei:',
  },
  {
    text: '{{ range . }}{{ humanizeDuration . }}:{{ end }}',
    input: [0, 1, 60, 3600, 86400, 86400 + 3600, -(86400 * 2 + 3600 * 3 + 60 * 4 + 5), 899.99],
    output: '0s:1s:1m 0s:1h 0m 0s:1d 0h 0m 0s:1d 1h 0m 0s:-2d 3h 4m 5s:14m 59s:',
  },
  {
    text: '{{ range . }}{{ humanizeDuration . }}:{{ end }}',
    input: ['0', '1', '60', '3600', '86400'],
    output: '0s:1s:1m 0s:1h 0m 0s:1d 0h 0m 0s:',
  },
  {
    text: '{{ range . }}{{ humanizeDuration . }}:{{ end }}',
    input: [0.1, 0.0001, 0.12345, 60.1, 60.5, 1.2345, 12.345],
    output: '100ms:100us:123.5ms:1m 0s:1m 0s:1.234s:12.35s:',
  },
  {
    text: '{{ range . }}{{ humanizeDuration . }}:{{ end }}',
    input: ['.1', '.0001', '.12345', '60.1', '60.5', '1.2345', '12.345'],
    output: '100ms:100us:123.5ms:1m 0s:1m 0s:1.234s:12.35s:',
  },
  {
    text: '{{ humanizeDuration "one" }}',
    errorMsg:
      'error executing template test: template: test:1:3: executing "test" at <humanizeDuration "one">: error calling humanizeDuration: strconv.ParseFloat: parsing "one": invalid syntax',
  },
  {
    text: '{{ range . }}{{ humanizeDuration . }}:{{ end }}',
    input: [0n, -1n, 1n, 1234567n],
    output: '0s:-1s:1s:14d 6h 56m 7s:',
  },
  {
    text: '{{ range . }}{{ humanizeDuration . }}:{{ end }}',
    input: [0n, 1n, 1234567n],
    output: '0s:1s:14d 6h 56m 7s:',
  },
  {
    text: '{{ range . }}{{ humanize . }}:{{ humanize1024 . }}:{{ humanizeDuration . }}:{{humanizeTimestamp .}}:{{ end }}',
    input: [Infinity, -Infinity, Number.NaN],
    output: '+Inf:+Inf:+Inf:+Inf:-Inf:-Inf:-Inf:-Inf:NaN:NaN:NaN:NaN:',
  },
  {
    text: '{{ range . }}{{ humanize . }}:{{ humanize1024 . }}:{{ humanizeDuration . }}:{{humanizeTimestamp .}}:{{ end }}',
    input: ['+Inf', '-Inf', 'NaN'],
    output: '+Inf:+Inf:+Inf:+Inf:-Inf:-Inf:-Inf:-Inf:NaN:NaN:NaN:NaN:',
  },
  {
    text: '{{ -0.22222 | humanizePercentage }}:{{ 0.0 | humanizePercentage }}:{{ 0.1234567 | humanizePercentage }}:{{ 1.23456 | humanizePercentage }}',
    output: '-22.22%:0%:12.35%:123.5%',
  },
  {
    text: '{{ range . }}{{ humanizePercentage . }}:{{ end }}',
    input: [0n, -1n, 1n, 1234567n, MAX_INT64],
    output: '0%:-100%:100%:1.235e+08%:9.223e+20%:',
  },
  {
    text: '{{ range . }}{{ humanizePercentage . }}:{{ end }}',
    input: [0n, 1n, 1234567n, MAX_UINT64],
    output: '0%:100%:1.235e+08%:1.845e+21%:',
  },
  {
    text: '{{ "-0.22222" | humanizePercentage }}:{{ "0.0" | humanizePercentage }}:{{ "0.1234567" | humanizePercentage }}:{{ "1.23456" | humanizePercentage }}',
    output: '-22.22%:0%:12.35%:123.5%',
  },
  {
    text: '{{ "one" | humanizePercentage }}',
    errorMsg:
      'error executing template test: template: test:1:11: executing "test" at <humanizePercentage>: error calling humanizePercentage: strconv.ParseFloat: parsing "one": invalid syntax',
  },
  {
    text: '{{ range . }}{{ humanizeTimestamp . }}:{{ end }}',
    input: [0n, -1n, 1n, 1234567n, 9223372036n],
    output:
      '1970-01-01 00:00:00 +0000 UTC:1969-12-31 23:59:59 +0000 UTC:1970-01-01 00:00:01 +0000 UTC:1970-01-15 06:56:07 +0000 UTC:2262-04-11 23:47:16 +0000 UTC:',
  },
  {
    text: '{{ range . }}{{ humanizeTimestamp . }}:{{ end }}',
    input: [0n, 1n, 1234567n, 9223372036n],
    output:
      '1970-01-01 00:00:00 +0000 UTC:1970-01-01 00:00:01 +0000 UTC:1970-01-15 06:56:07 +0000 UTC:2262-04-11 23:47:16 +0000 UTC:',
  },
  {
    text: '{{ range . }}{{ humanizeTimestamp . }}:{{ end }}',
    input: [MIN_INT64, MAX_INT64],
    errorMsg:
      'error executing template test: template: test:1:16: executing "test" at <humanizeTimestamp .>: error calling humanizeTimestamp: -9.223372036854776e+18 cannot be represented as a nanoseconds timestamp since it overflows int64',
  },
  {
    text: '{{ range . }}{{ humanizeTimestamp . }}:{{ end }}',
    input: [MAX_UINT64],
    errorMsg:
      'error executing template test: template: test:1:16: executing "test" at <humanizeTimestamp .>: error calling humanizeTimestamp: 1.8446744073709552e+19 cannot be represented as a nanoseconds timestamp since it overflows int64',
  },
  { text: '{{ 1435065584.128 | humanizeTimestamp }}', output: '2015-06-23 13:19:44.128 +0000 UTC' },
  { text: '{{ "1435065584.128" | humanizeTimestamp }}', output: '2015-06-23 13:19:44.128 +0000 UTC' },
  { text: '{{ (1435065584.128 | toTime).Format "2006" }}', output: '2015' },
  { text: '{{ ("1435065584.128" | toTime).Format "2006" }}', output: '2015' },
  { text: '{{ "aa bb CC" | title }}', output: 'Aa Bb CC' },
  { text: '{{ "aa bb CC" | toUpper }}', output: 'AA BB CC' },
  { text: '{{ "aA bB CC" | toLower }}', output: 'aa bb cc' },
  { text: '{{ match "a+" "aa" }} {{ match "a+" "b" }}', output: 'true false' },
  { text: '{{ graphLink "up" }}', output: '/graph?g0.expr=up&g0.tab=0' },
  { text: '{{ tableLink "up" }}', output: '/graph?g0.expr=up&g0.tab=1' },
  // in Prometheus, tmpl exists in ExpandHTML only; Argus offers it in text mode, where this case gives the same
  { text: '{{ define "a" }}x{{ end }}{{ $name := "a"}}{{ tmpl $name . }}', output: 'x' },
  { text: '{{ pathPrefix }}', output: '/path/prefix' },
  { text: '{{ externalURL }}', output: 'http://testhost:9090/path/prefix' },
  { text: '{{ printf "%0.2f" (parseDuration "1h2m10ms") }}', output: '3720.01' },
  { text: '{{ "foo.example.com" | stripDomain }}', output: 'foo' },
  { text: '{{ "foo.example.com:12345" | stripDomain }}', output: 'foo:12345' },
  { text: '{{ "192.0.2.1" | stripDomain }}', output: '192.0.2.1' },
  { text: '{{ "192.0.2.1:12345" | stripDomain }}', output: '192.0.2.1:12345' },
  { text: '{{ "2001:0DB8::1" | stripDomain }}', output: '2001:0DB8::1' },
  { text: '{{ "[2001:0DB8::1]:12345" | stripDomain }}', output: '[2001:0DB8::1]:12345' },
  { text: '{{ "[2001:0DB8::1]::12345" | stripDomain }}', output: '[2001:0DB8::1]::12345' },
];

/** The cases of the Go test that run html/template (ExpandHTML, `html: true` there). */
const HTML_CASES: Case[] = [
  { text: '{{ "<b>" }}', output: '&lt;b&gt;' },
  { text: '{{ "<b>" | safeHtml }}', output: '<b>' },
  {
    text: '{{ $x := query "metric" | first }}{{ $x.Labels.foo }}',
    queryResult: [metric({ instance: 'a' }, 11)],
    output: '',
  },
  // Go: options nil, then options []string{}: both leave missingkey at its default
  { text: '{{ .Foo }}', missingKey: 'default', output: '' },
  { text: '{{ .Foo }}', output: '' },
  {
    text: '{{ .Foo }}',
    missingKey: 'error',
    errorMsg:
      'error executing template test: template: test:1:3: executing "test" at <.Foo>: nil data; no entry for key "Foo"',
  },
];

function runCase(c: Case, html: boolean): void {
  const options = {
    externalURL: 'http://testhost:9090/path/prefix',
    query: () => c.queryResult ?? [],
    time: new Date(0),
    html,
    ...(c.missingKey ? { missingKey: c.missingKey } : {}),
  };
  if (c.errorMsg !== undefined) {
    expect(() => expandTemplate(c.text, 'test', c.input, options)).toThrow(c.errorMsg);
    try {
      expandTemplate(c.text, 'test', c.input, options);
    } catch (e) {
      expect((e as Error).message).toBe(c.errorMsg);
    }
  } else expect(expandTemplate(c.text, 'test', c.input, options)).toBe(c.output);
}

describe('Prometheus 2.42 template_test.go html/template cases (ExpandHTML)', () => {
  it.each(HTML_CASES.map((c, i) => [i, c.text, c] as const))('html case %i: %s', (_i, _t, c) =>
    runCase(c, true),
  );
});

describe('Prometheus 2.42 template_test.go cases', () => {
  it.each(CASES.map((c, i) => [i, c.text, c] as const))('case %i: %s', (_i, _t, c) => runCase(c, false));
});
