// Go text/template behaviours. Every expected output and message here was checked against Go 1.19's text/template
// (Debian golang-go, the Go that built Prometheus 2.42's generation) running the same texts on the same data.
import { describe, expect, it } from 'vitest';
import {
  createPrometheusTemplates,
  createTemplates,
  formatFloat,
  GoMap,
  sprintf,
  stringMap,
  TemplateExecError,
  TemplateParseError,
} from '../src/index.js';

const run = (text: string, data?: unknown, missingKey?: 'default' | 'zero' | 'error'): string =>
  createTemplates(missingKey ? { missingKey } : {})
    .parse('t', text)
    .execute('t', data);

describe('Go text/template: output', () => {
  it.each([
    ['trim both sides', 'a  {{- 1 -}}  b', undefined, 'a1b'],
    ['trim keeps inner spaces', '{{ "x" }} {{- " y" }}', undefined, 'x y'],
    ['comments vanish', 'a{{/* hi */}}b{{- /* trimmed */ -}} c', undefined, 'abc'],
    ['if / else if / else', '{{if eq . 1}}one{{else if eq . 2}}two{{else}}many{{end}}', 2n, 'two'],
    ['range with index', '{{range $i, $e := .}}{{$i}}={{$e}};{{end}}', ['a', 'b'], '0=a;1=b;'],
    ['range else on empty', '{{range .}}x{{else}}empty{{end}}', [], 'empty'],
    [
      'range over a map is sorted',
      '{{range $k, $v := .}}{{$k}}:{{$v}} {{end}}',
      { b: 2n, a: 1n },
      'a:1 b:2 ',
    ],
    [
      'break and continue',
      '{{range .}}{{if eq . 2}}{{continue}}{{end}}{{if eq . 4}}{{break}}{{end}}{{.}}{{end}}',
      [1n, 2n, 3n, 4n, 5n],
      '13',
    ],
    [
      'with / else',
      '{{with .A}}a={{.}}{{else}}none{{end}}|{{with .B}}b{{else}}none{{end}}',
      { A: 'x', B: '' },
      'a=x|none',
    ],
    ['variables and assignment', '{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}', undefined, '2'],
    ['$ is the data inside range', '{{range .L}}{{$.N}}{{.}}{{end}}', { N: 'n', L: ['a', 'b'] }, 'nanb'],
    [
      'nested define and template',
      '{{define "a"}}[{{template "b" .}}]{{end}}{{define "b"}}{{.}}{{end}}{{template "a" "x"}}',
      undefined,
      '[x]',
    ],
    ['block defines and runs', '{{block "b" .}}<{{.}}>{{end}}', 'v', '<v>'],
    ['eq with several operands', '{{eq . "a" "b" "c"}} {{eq . "z" "y"}}', 'c', 'true false'],
    ['and/or return an operand', '{{and 1 0 "x"}} {{or 0 "" "y"}} {{and 1 "z"}}', undefined, '0 y z'],
    ['and short-circuits', '{{and false (index .L 5)}}', { L: [] }, 'false'],
    [
      'not, lt, le, gt, ge, ne',
      '{{not 0}} {{lt 1 2}} {{le 2 2}} {{gt "b" "a"}} {{ge 1.5 2.5}} {{ne 1 2}}',
      undefined,
      'true true true true false true',
    ],
    [
      'len, index, slice',
      '{{len .}} {{index . 1}} {{slice . 1 3}} {{slice "hello" 1 3}}',
      ['a', 'b', 'c'],
      '3 b [b c] el',
    ],
    ['index of a map', '{{index . "k"}}', { k: 'v' }, 'v'],
    ['print and println', '{{print 1 2 "a" "b" 3}}|{{println "x" 1}}', undefined, '1 2ab3|x 1\n'],
    [
      'html, js, urlquery',
      '{{html "<a href=\'x\'>&"}} {{js "it\'s <b>"}} {{urlquery "a b&c=d/é"}}',
      undefined,
      "&lt;a href=&#39;x&#39;&gt;&amp; it\\'s \\u003Cb\\u003E a+b%26c%3Dd%2F%C3%A9",
    ],
    ['call', '{{call .F 2 3}}', { F: (a: bigint, b: bigint) => a * b }, '6'],
    ['parenthesised pipelines and chained fields', '{{(index . 0).Name}}', [{ Name: 'n' }], 'n'],
    ['pipeline into printf', '{{ 3.14159 | printf "%.2f" }}', undefined, '3.14'],
    ['missing map key: <no value>', '{{.A}}|{{.A.B}}', {}, '<no value>|<no value>'],
    ['raw strings and escapes', '{{`a\\n`}}|{{"b\\tc"}}', undefined, 'a\\n|b\tc'],
    ['character constants are ints', "{{'a'}}", undefined, '97'],
  ])('%s', (_name, text, data, want) => {
    expect(run(text, data)).toBe(want);
  });

  it('prints float64 as Go %v does', () => {
    const values = [1e6, 1234567.891, 0.1, 3, 100000, 1e21, 1e-5, 0.0001, -2.5, Number.NaN, Infinity, -0];
    expect(values.map((v) => run('{{.}}', v))).toEqual([
      '1e+06',
      '1.234567891e+06',
      '0.1',
      '3',
      '100000',
      '1e+21',
      '1e-05',
      '0.0001',
      '-2.5',
      'NaN',
      '+Inf',
      '-0',
    ]);
  });

  it('missingkey=zero gives the zero value of the map element type', () => {
    const labels = stringMap({ a: 'x' });
    expect(run('[{{.L.b}}]', { L: labels }, 'zero')).toBe('[]');
    expect(run('[{{.L.b}}]', { L: labels })).toBe('[<no value>]');
  });
});

describe('Go fmt through printf', () => {
  it.each([
    ['%s|%v|%q', ['a', 'b', 'c"d'], 'a|b|"c\\"d"'],
    [
      '%d|%5d|%-5d|%05d|%+d|%x|%X|%o|%b',
      [42n, 42n, 42n, 42n, 42n, 255n, 255n, 8n, 5n],
      '42|   42|42   |00042|+42|ff|FF|10|101',
    ],
    [
      '%f|%.2f|%8.3f|%-8.1f|%+.1f',
      [3.14259, 3.14259, 3.14259, 3.14259, 2.0],
      '3.142590|3.14|   3.143|3.1     |+2.0',
    ],
    ['%e|%.2e|%E', [1234.5678, 1234.5678, 0.000123], '1.234568e+03|1.23e+03|1.230000E-04'],
    ['%g|%.3g|%g|%g', [1234.5678, 1234.5678, 1e-7, 123456789.0], '1234.5678|1.23e+03|1e-07|1.23456789e+08'],
    ['%t|%v', [true, false], 'true|false'],
    ['%x|%X', ['hi', 'hi'], '6869|6869'],
    ['100%%', [], '100%'],
    ['%d', [1.5], '%!d(float64=1.5)'],
    ['%s', [3n], '%!s(int=3)'],
    ['%d %d', [1n], '1 %!d(MISSING)'],
    ['%d', [1n, 'x'], '1%!(EXTRA string=x)'],
    ['%.0f|%.0f|%.1f', [0.5, 2.5, 0.25], '0|2|0.2'],
    ['%v', [[1n, 'a']], '[1 a]'],
    ['%v', [{ b: 1n, a: 'x' }], 'map[a:x b:1]'],
    ['%T %T %T', ['s', 1.5, 1n], 'string float64 int'],
  ])('%s', (format, args, want) => {
    expect(sprintf(format, args)).toBe(want);
  });

  it('formats floats as strconv.FormatFloat', () => {
    expect(formatFloat(123456, 'g', -1)).toBe('123456');
    expect(formatFloat(1234567, 'g', 4)).toBe('1.235e+06');
    expect(formatFloat(120, 'g', 4)).toBe('120');
    expect(formatFloat(5e-324, 'e', -1)).toBe('5e-324');
  });
});

describe('Go text/template: errors', () => {
  const parseError = (text: string) => {
    try {
      createTemplates().parse('t', text);
    } catch (e) {
      expect(e).toBeInstanceOf(TemplateParseError);
      return (e as Error).message;
    }
    throw new Error('parsed');
  };
  const execError = (text: string, data?: unknown) => {
    try {
      createTemplates().parse('t', text).execute('t', data);
    } catch (e) {
      expect(e).toBeInstanceOf(TemplateExecError);
      return (e as Error).message;
    }
    throw new Error('executed');
  };

  it.each([
    ['{{ nosuch 1 }}', 'template: t:1: function "nosuch" not defined'],
    ['a\nb\n{{ if }}', 'template: t:3: missing value for if'],
    ['{{ if 1 }}x', 'template: t:1: unexpected EOF'],
    ['{{ end }}', 'template: t:1: unexpected {{end}}'],
    ['{{ $x }}', 'template: t:1: undefined variable "$x"'],
    ['{{ break }}', 'template: t:1: {{break}} outside {{range}}'],
    ['{{ 1 | 2 }}', 'template: t:1: non executable command in pipeline stage 2'],
    ['{{ "unterminated }}', 'template: t:1: unterminated quoted string'],
    ['x\n{{ range .}}{{else}}{{else}}{{end}}', 'template: t:2: expected end; found {{else}}'],
  ])('parse %j', (text, want) => {
    expect(parseError(text)).toBe(want);
  });

  it.each([
    [
      '{{ .A.B }}',
      { A: 'str' },
      'template: t:1:5: executing "t" at <.A.B>: can\'t evaluate field B in type interface {}',
    ],
    [
      'line\n  {{ index . 3 }}',
      ['a'],
      'template: t:2:5: executing "t" at <index . 3>: error calling index: index out of range: 3',
    ],
    [
      '{{ eq 1 1.5 }}',
      undefined,
      'template: t:1:3: executing "t" at <eq 1 1.5>: error calling eq: incompatible types for comparison',
    ],
    [
      '{{ lt true false }}',
      undefined,
      'template: t:1:3: executing "t" at <lt true false>: error calling lt: invalid type for comparison',
    ],
    [
      '{{ template "nope" }}',
      undefined,
      'template: t:1:12: executing "t" at <{{template "nope"}}>: template "nope" not defined',
    ],
    [
      '{{ len 3 }}',
      undefined,
      'template: t:1:3: executing "t" at <len 3>: error calling len: len of type int',
    ],
    ['{{ printf 1 }}', undefined, 'template: t:1:10: executing "t" at <1>: expected string; found 1'],
    [
      '{{ printf .N }}',
      { N: 1n },
      'template: t:1:10: executing "t" at <.N>: wrong type for value; expected string; got int',
    ],
    [
      '{{ "x" 1 }}',
      undefined,
      'template: t:1:3: executing "t" at <"x">: can\'t give argument to non-function "x"',
    ],
    [
      '{{ range 3 }}{{ end }}',
      undefined,
      'template: t:1:9: executing "t" at <3>: range can\'t iterate over 3',
    ],
  ])('exec %j', (text, data, want) => {
    expect(execError(text, data)).toBe(want);
  });
});

describe('template sets', () => {
  it('shares defines across parsed texts, and the later definition wins', () => {
    const set = createTemplates()
      .parse('base', '{{define "greet"}}hi {{.}}{{end}}')
      .parse('page', '{{template "greet" .Name}}!');
    expect(set.execute('page', { Name: 'bob' })).toBe('hi bob!');
    set.parse('override', '{{define "greet"}}hello {{.}}{{end}}');
    expect(set.execute('page', { Name: 'bob' })).toBe('hello bob!');
    expect(set.names()).toEqual(['base', 'greet', 'override', 'page']);
  });

  it('extends the function map', () => {
    const set = createTemplates({ funcs: { twice: (s: string) => s + s } }).parse('t', '{{ "ab" | twice }}');
    expect(set.execute('t', undefined)).toBe('abab');
  });

  it('runs an asynchronous query with executeAsync, and refuses it in execute', async () => {
    const queries: string[] = [];
    const set = createPrometheusTemplates({
      query: async (q) => {
        queries.push(q);
        return [{ labels: { instance: q }, value: 2 }];
      },
    }).parse(
      't',
      '{{ range $i := .}}{{ with query . }}{{ (first .).Labels.instance }}={{ . | first | value }} {{ end }}{{ end }}',
    );
    await expect(set.executeAsync('t', ['a', 'b'])).resolves.toBe('a=2 b=2 ');
    expect(queries).toEqual(['a', 'b']);
    expect(() => set.execute('t', ['a'])).toThrow(/use executeAsync/);
  });

  it('reports a rejected query as Go reports a function error', async () => {
    const set = createPrometheusTemplates({ query: () => Promise.reject(new Error('boom')) }).parse(
      't',
      '{{ query "up" }}',
    );
    await expect(set.executeAsync('t', undefined)).rejects.toThrow(
      'template: t:1:3: executing "t" at <query "up">: error calling query: boom',
    );
  });
});

describe('README examples', () => {
  it('renders the examples of the README as it says', async () => {
    const { compileAlertTemplate } = await import('../src/index.js');
    const summary = compileAlertTemplate('{{ $labels.instance }} is at {{ $value | humanize }}', 'HighLoad');
    expect(summary.render({ labels: { instance: 'a:9100' }, value: 1234567 })).toBe('a:9100 is at 1.235M');
    const set = createTemplates({ funcs: { upper: (s: string) => s.toUpperCase() } })
      .parse('base', '{{ define "title" }}[{{ .Status | upper }}]{{ end }}')
      .parse('msg', '{{ template "title" . }} {{ range .Alerts }}{{ .Labels.alertname }} {{ end }}');
    expect(
      set.execute('msg', { Status: 'firing', Alerts: [{ Labels: stringMap({ alertname: 'Down' }) }] }),
    ).toBe('[FIRING] Down ');
  });
});

describe('methods, as Alertmanager templates call them', () => {
  class KV extends GoMap<string> {
    constructor(r: Record<string, string>) {
      super(r, '');
    }
    Names(): string[] {
      return [...this.entries.keys()].sort();
    }
  }
  it('calls methods of maps and slices before reading keys', () => {
    const alerts = Object.assign([{ Status: 'firing' }, { Status: 'resolved' }], {
      Firing() {
        return alerts.filter((a) => a.Status === 'firing');
      },
    });
    const data = { Alerts: alerts, CommonLabels: new KV({ b: '2', a: '1' }) };
    expect(run('{{ len .Alerts.Firing }} {{ .CommonLabels.Names }} {{ .CommonLabels.a }}', data)).toBe(
      '1 [a b] 1',
    );
  });
});
