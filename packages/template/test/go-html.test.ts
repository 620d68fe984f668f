// html/template mode against Go 1.19's html/template: the templates and inputs of fixtures/go-html.go.txt,
// whose outputs are recorded in fixtures/go-html.json (`go run` of that program), run through ours.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createTemplates, expandTemplate, goFunc, SafeHTML } from '../src/index.js';

interface Group {
  input: string;
  cases: { text: string; output?: string; error?: string }[];
}
const groups = JSON.parse(
  readFileSync(new URL('./fixtures/go-html.json', import.meta.url), 'utf8'),
) as Group[];

const render = (text: string, data: unknown): string =>
  createTemplates({
    html: true,
    funcs: {
      safe: goFunc(['string'], (s: string) => new SafeHTML(s)),
      list: goFunc([], () => ['a<', 'b&']),
    },
  })
    .parse('t', text)
    .execute('t', data);

describe('html/template escaping, as Go 1.19 renders it', () => {
  for (const g of groups)
    it.each(g.cases.map((c) => [c.text, c] as const))(`input ${JSON.stringify(g.input)}: %s`, (text, c) => {
      expect(c.error).toBeUndefined();
      expect(render(text, g.input)).toBe(c.output);
    });
});

describe('html mode refuses contexts it does not escape', () => {
  it.each([
    ['<script>var x = {{ . }};</script>', 'in a <script> element'],
    ['<style>p { color: {{ . }} }</style>', 'in a <style> element'],
    ['<a onclick="f({{ . }})">x</a>', 'in the event handler attribute onclick'],
    ['<p style="color: {{ . }}">x</p>', 'in a style attribute'],
    ['<p title={{ . }}>x</p>', 'in the unquoted value of attribute title'],
    ['<p {{ . }}>x</p>', 'inside the tag <p>'],
    ['<!-- {{ . }} -->', 'in an HTML comment'],
  ])('%s', (text, where) => {
    expect(() => render(text, 'x')).toThrow(`html mode: an action ${where} is not escaped by Argus`);
  });

  it("escapes actions in <title> and <textarea> as text (Go's rcdataEscaper; trusted HTML keeps its entities)", () => {
    expect(render(`<title>{{ . }}</title><textarea>{{ . }}</textarea>`, `a<b & "c" + 'd'`)).toBe(
      '<title>a&lt;b &amp; &#34;c&#34; &#43; &#39;d&#39;</title><textarea>a&lt;b &amp; &#34;c&#34; &#43; &#39;d&#39;</textarea>',
    );
    expect(render('<TITLE>{{ safe "<i>&amp;" }}</TITLE>{{ . }}', '<b>')).toBe(
      '<TITLE>&lt;i&gt;&amp;</TITLE>&lt;b&gt;',
    );
  });

  it('is back in text after the element ends', () => {
    expect(render('<script>var x = 1;</SCRIPT><b>{{ . }}</b>', '<i>')).toBe(
      '<script>var x = 1;</SCRIPT><b>&lt;i&gt;</b>',
    );
  });
});

describe('text mode is unchanged', () => {
  it('writes values unescaped and SafeHTML as its markup', () => {
    const set = createTemplates({ funcs: { safe: goFunc(['string'], (s: string) => new SafeHTML(s)) } });
    expect(set.parse('t', '<p>{{ . }}{{ safe "<b>" }}</p>').execute('t', '<i>')).toBe('<p><i><b></p>');
  });
});

describe('Prometheus console templates in html mode', () => {
  // the link part as Go 1.19's html/template writes it (checked with go run)
  it('tmpl and safeHtml give trusted HTML; links are URL attributes', () => {
    const text =
      '{{ define "row" }}<td>{{ . }}</td>{{ end }}<tr>{{ tmpl "row" "<x>" }}</tr>' +
      '<a href="{{ graphLink "rate(up[5m]) > 0" }}">{{ "a<b" }}</a>{{ "<br>" | safeHtml }}';
    expect(expandTemplate(text, 'console', undefined, { html: true })).toBe(
      '<tr><td>&lt;x&gt;</td></tr><a href="/graph?g0.expr=rate%28up%5B5m%5D%29&#43;%3E&#43;0&amp;g0.tab=0">a&lt;b</a><br>',
    );
  });
});
