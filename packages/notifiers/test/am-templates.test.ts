import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleNotification as sample } from '@argus/alerting/testing';
import { describe, expect, it } from 'vitest';
import { amTemplates, KV, loadTemplateFiles, templateData, templatesForConfig } from '../src/index.js';

const t = amTemplates();

describe('Alertmanager template data', () => {
  it('KV.SortedPairs puts alertname first, then sorts; Remove, Names and Values', () => {
    const kv = new KV({ zone: 'a', alertname: 'X', app: 'b' });
    expect(kv.SortedPairs().Names()).toEqual(['alertname', 'app', 'zone']);
    expect(kv.Remove(['app']).Values()).toEqual(['X', 'a']);
  });

  it('renders .Alerts.Firing / .Resolved, GroupLabels, CommonLabels and ExternalURL as dot', () => {
    const n = { ...sample(), alerts: [sample().alerts[0]!, sample('resolved').alerts[1]!] };
    expect(
      t.text(
        '{{ len .Alerts.Firing }}/{{ len .Alerts.Resolved }} {{ .GroupLabels.alertname }} {{ .ExternalURL }}',
        n,
      ),
    ).toBe('1/1 DBDown http://argus');
    expect(t.text('{{ range .Alerts }}{{ .Labels.instance }}:{{ .Status }} {{ end }}', n)).toBe(
      'db1:firing db2:resolved ',
    );
    expect(t.text('{{ .CommonLabels.Names | join "," }}', n)).toBe('alertname,severity');
  });

  it('escapes the receiver name as a regular expression, as Alertmanager does for its UI link', () => {
    expect(templateData({ ...sample(), receiver: 'team.a+b' }).Receiver).toBe('team\\.a\\+b');
  });

  it("a firing alert's EndsAt is Go's zero time", () => {
    expect(
      t.text('{{ range .Alerts }}{{ .EndsAt }}{{ end }}', { ...sample(), alerts: [sample().alerts[0]!] }),
    ).toBe('0001-01-01 00:00:00 +0000 UTC');
  });
});

describe("Alertmanager's functions and default templates", () => {
  it('title, toUpper, toLower, join, stringSlice, match, reReplaceAll, safeHtml', () => {
    expect(t.text('{{ title "hELLO wORLD" }}|{{ toUpper "a" }}|{{ toLower "B" }}', sample())).toBe(
      'Hello World|A|b',
    );
    expect(
      t.text(
        '{{ stringSlice "a" "b" | join "-" }}|{{ match "^d" "db" }}|{{ reReplaceAll "(a)" "<$1>" "ba" }}|{{ safeHtml "<b>" }}',
        sample(),
      ),
    ).toBe('a-b|true|b<a>|<b>');
  });

  it('renders slack.default.title and the __subject of default.tmpl', () => {
    expect(t.text('{{ template "slack.default.title" . }}', sample())).toBe('[FIRING:2] DBDown (critical)');
    expect(t.text('{{ template "slack.default.title" . }}', sample('resolved'))).toBe(
      '[RESOLVED] DBDown (critical)',
    );
    expect(t.text('{{ template "slack.default.titlelink" . }}', sample())).toBe(
      'http://argus/#/alerts?receiver=team',
    );
  });

  it('missing keys render as the zero value, as Alertmanager runs templates with missingkey=zero', () => {
    expect(t.text('[{{ .CommonLabels.nope }}]', sample())).toBe('[]');
  });

  it('user template files override the defaults and add their own; a parse error names the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'amt-'));
    writeFileSync(join(dir, 'a.tmpl'), '{{ define "slack.default.title" }}custom {{ .Status }}{{ end }}');
    writeFileSync(join(dir, 'b.tmpl'), '{{ define "mine" }}{{ .Receiver }}{{ end }}');
    writeFileSync(join(dir, 'skip.txt'), '{{');
    const files = loadTemplateFiles(['*.tmpl'], dir);
    expect(files.map((f) => f.name)).toEqual(['a.tmpl', 'b.tmpl']);
    const custom = amTemplates(files);
    expect(custom.text('{{ template "slack.default.title" . }} {{ template "mine" . }}', sample())).toBe(
      'custom firing team',
    );
    expect(() => amTemplates([{ name: 'bad.tmpl', text: '{{ if }}' }])).toThrow(/bad\.tmpl/);
  });

  it('templatesForConfig reads the templates: globs of an alertmanager.yml relative to its directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'amc-'));
    mkdirSync(join(dir, 'tmpl'));
    writeFileSync(join(dir, 'tmpl', 'x.tmpl'), '{{ define "x" }}from {{ .Receiver }}{{ end }}');
    const yml = "templates: ['tmpl/*.tmpl']\nroute: { receiver: r }\nreceivers: [{ name: r }]\n";
    expect(
      templatesForConfig(yml, join(dir, 'alertmanager.yml')).text('{{ template "x" . }}', sample()),
    ).toBe('from team');
  });

  it('email.default.html escapes <>&"\' of labels in the title, the text and the Source href', () => {
    const v = `<b>x & "y" 'z'</b>`;
    const e = '&lt;b&gt;x &amp; &#34;y&#34; &#39;z&#39;&lt;/b&gt;';
    const base = sample();
    const n = {
      ...base,
      groupLabels: { alertname: 'DBDown', team: v },
      commonLabels: { ...base.commonLabels, team: v },
      alerts: base.alerts.map((a) => ({
        ...a,
        labels: { ...a.labels, team: v },
        generatorURL: 'http://prom/graph?g0.expr=up{x="<a>"}',
      })),
    };
    const body = t.html('{{ template "email.default.html" . }}', n);
    expect(body).toContain(`<title>[FIRING:2] DBDown ${e} (critical)</title>`);
    expect(body).toContain(`team=${e}`);
    expect(body.split(`team = ${e}<br`)).toHaveLength(3);
    expect(body).toContain('href="http://prom/graph?g0.expr=up%7bx=%22%3ca%3e%22%7d"');
    expect(body).not.toContain(v);
    expect(body).not.toMatch(/<b>x|<a>/);
    expect(t.text('{{ template "email.default.subject" . }}', n)).toBe(`[FIRING:2] DBDown ${v} (critical)`);
  });

  it('html escapes printed values by context as html/template: text, href (normalised), safeHtml, comments', () => {
    const n = { ...sample(), commonAnnotations: { x: `a<b & "c" + 'd'` }, externalURL: 'http://h/a b' };
    expect(
      t.html(
        '<!-- note --><p>{{ .CommonAnnotations.x }}</p><a href="{{ .ExternalURL }}">{{ safeHtml "<i>" }}</a>',
        n,
      ),
    ).toBe('<p>a&lt;b &amp; &#34;c&#34; &#43; &#39;d&#39;</p><a href="http://h/a%20b"><i></a>');
    expect(t.text('<p>{{ .CommonAnnotations.x }}</p>', n)).toBe(`<p>a<b & "c" + 'd'</p>`);
  });
});
