// Golden test: the annotations (and a templated label) that the real Prometheus 2.42 renders for alerting rules,
// read from /api/v1/alerts, must equal what @argus/template renders for the same labels, value, external
// labels and URL, with `query` answered by the same Prometheus.
import { describeWithBinary, type RunningServer, startPrometheus } from '@argus/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { compileAlertTemplate, type QuerySample } from '../src/index.js';

const lr = (expr: string, label: string, value: string) =>
  `label_replace(${expr}, "${label}", "${value}", "", "")`;

const ANNOTATIONS: Record<string, string> = {
  summary: 'Instance {{ $labels.instance }} of {{ $labels.job | title }} is at {{ $value | humanize }}',
  values:
    '{{ $value }} / {{ .Value }} / {{ printf "%.2f" $value }} / {{ printf "%10.3e|%-8d|%q|%x|%5.1f%%|%g|%v" $value 42 $labels.job "hi" 12.345 $value $value }}',
  humanize:
    '{{ humanize1024 $value }} {{ humanizePercentage $value }} {{ humanizeDuration $value }} {{ humanizeDuration 90061.5 }} {{ humanizeDuration 0.0123 }} {{ humanizeTimestamp 1435065584.128 }} {{ humanize "2048" }}',
  cond: '{{ if gt $value 1000000.0 }}big{{ else if gt $value 0.001 }}medium{{ else }}small{{ end }}',
  regex:
    '{{ reReplaceAll ":([0-9]+)$" " port $1" $labels.instance }} {{ $labels.instance | stripPort }} {{ match "^db-" $labels.instance }} {{ toUpper "abc" }} {{ toLower "ABC" }} {{ title "hello wide_world-x" }}',
  range: `{{ range query ${JSON.stringify(`${lr('vector(3)', 'k', 'b')} or ${lr('vector(5.5)', 'k', 'a')}`)} | sortByLabel "k" }}{{ .Labels.k }}={{ .Value }};{{ else }}none{{ end }}`,
  first:
    '{{ with query "vector(42)" }}{{ . | first | value | humanize }}{{ end }} {{ (query "vector(7)" | first).Value }} {{ with query "vector(1) == 2" }}x{{ else }}empty{{ end }}',
  vars: `{{ $x := 0 }}{{ range $i, $e := query ${JSON.stringify(`vector(1) or ${lr('vector(2)', 'a', 'x')}`)} }}{{ $x = $i }}{{ end }}last={{ $x }} ext={{ $externalLabels.cluster }} url={{ $externalURL }} missing=[{{ $labels.nope }}] dollar={{ $.Labels.job }}`,
  trim: 'line1\n  {{- " trimmed " -}}  \nline2 {{/* comment */}}end',
  define:
    '{{ define "inner" }}<{{ . }}>{{ end }}{{ template "inner" $labels.job }}{{ block "blk" . }}[{{ .Labels.job }}]{{ end }}',
  links:
    '{{ graphLink "rate(x[5m]) > 1" }} {{ tableLink "up" }} [{{ pathPrefix }}] {{ parseDuration "1h30m" }} {{ (toTime 1435065584.128).Format "2006-01-02T15:04:05Z07:00 Mon Jan" }}',
  builtins:
    '{{ define "a2" }}{{ .arg0 }}-{{ .arg1 }}{{ end }}{{ template "a2" args "x" 2 }} {{ len $labels }} {{ index $labels "job" }} {{ slice "abcdef" 1 4 }} {{ print 1 2 "a" 3.5 }} {{ html "<b>&" }} {{ js "it\'s" }} {{ urlquery "a b/c" }} {{ and 1 0 }} {{ or 0 "x" }} {{ not true }} {{ eq "a" "b" "a" }} {{ ne 1 2 }} {{ le 2.5 2.5 }}',
  numbers: "{{ 1e6 }} {{ 0.1 }} {{ 3.0 }} {{ 100000.0 }} {{ 1.5e-7 }} {{ 12345678.0 }} {{ 0x1F }} {{ 'a' }}",
  // as awesome-prometheus-alerts writes its descriptions: whole maps printed as Go prints them
  dump: 'VALUE = {{ $value }}\n  LABELS = {{ $labels }}\n  EXT = {{ $externalLabels }} {{ .ExternalLabels }}',
  err_field: 'x {{ .Nope }}',
  err_eq: '{{ eq $value 1 }}',
  err_first: '{{ query "vector(1) == 2" | first }}',
  err_humanize: '{{ humanize "abc" }}',
};

const RULE_LABELS = {
  severity: '{{ if gt $value 1000.0 }}critical{{ else }}low{{ end }}',
  team: 'ops',
};

const RULES = [
  {
    alert: 'GoldenBig',
    expr: lr(lr('vector(1234567.891)', 'instance', 'db-1.example.com:9100'), 'job', 'node'),
  },
  { alert: 'GoldenSmall', expr: lr(lr('vector(0.000123)', 'instance', '10.0.0.1:80'), 'job', 'api server') },
  { alert: 'GoldenDuration', expr: lr(lr('vector(90061.5)', 'instance', '[::1]:9090'), 'job', 'prom') },
  { alert: 'GoldenNaN', expr: lr('vector(NaN)', 'job', 'nan') },
];

// JSON is YAML: the rule file needs no YAML library
const RULE_FILE = JSON.stringify({
  groups: [
    {
      name: 'golden',
      interval: '1s',
      rules: RULES.map((r) => ({ ...r, labels: RULE_LABELS, annotations: ANNOTATIONS })),
    },
  ],
});

interface ApiAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: string;
  value: string;
}

const promFloat = (s: string): number => (s === '+Inf' ? Infinity : s === '-Inf' ? -Infinity : Number(s));

describeWithBinary(
  [{ bin: 'prometheus', pkg: 'prometheus' }],
  'annotations as Prometheus 2.42 renders them',
  () => {
    let prom: RunningServer;
    beforeAll(async () => {
      prom = await startPrometheus({
        config: () =>
          'global: { evaluation_interval: 1s, external_labels: { cluster: golden-test } }\nrule_files: [rules.yml]\n',
        rules: RULE_FILE,
      });
    });
    afterAll(() => prom?.stop());

    it('renders every annotation and templated label exactly as Prometheus does', async () => {
      // Prometheus evaluates its rules for the first time ~5 s after start: poll until every rule fires
      let alerts: ApiAlert[] = [];
      const until = Date.now() + 60_000;
      while (Date.now() < until) {
        const body = (await (await fetch(`${prom.url}/api/v1/alerts`)).json()) as {
          data: { alerts: ApiAlert[] };
        };
        alerts = body.data.alerts.filter((a) => a.state === 'firing');
        if (alerts.length === RULES.length) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(alerts.map((a) => a.labels['alertname']).sort()).toEqual(RULES.map((r) => r.alert).sort());

      const query = async (q: string): Promise<QuerySample[]> => {
        const res = await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent(q)}`);
        const body = (await res.json()) as {
          data: { result: { metric: Record<string, string>; value: [number, string] }[] };
        };
        return body.data.result.map((s) => ({ labels: s.metric, value: promFloat(s.value[1]) }));
      };
      const options = { externalURL: prom.url, query };
      let compared = 0;
      for (const alert of alerts) {
        const rule = alert.labels['alertname']!;
        const { alertname: _n, severity: _s, team: _t, ...seriesLabels } = alert.labels;
        const input = {
          labels: seriesLabels,
          value: promFloat(alert.value),
          externalLabels: { cluster: 'golden-test' },
          externalURL: prom.url,
        };
        const ours: Record<string, string> = {};
        for (const [name, text] of Object.entries(ANNOTATIONS))
          ours[name] = await compileAlertTemplate(text, rule, options).renderAsync(input);
        if (process.env['GOLDEN_DUMP'])
          console.log(JSON.stringify({ rule, theirs: alert.annotations, ours }, null, 1));
        expect(ours, rule).toEqual(alert.annotations);
        expect(compileAlertTemplate(RULE_LABELS.severity, rule, options).render(input), rule).toBe(
          alert.labels['severity'],
        );
        compared += Object.keys(ours).length + 1;
      }
      expect(compared).toBe(RULES.length * (Object.keys(ANNOTATIONS).length + 1));
    }, 90_000);
  },
);
