// `query` in rule templates: answered by the in-process engine over stored series, or by an ExpressionEvaluator;
// and every annotation of awesome-prometheus-alerts renders with Go's text/template against sample data.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEngine, memoryQueryable } from '@argus/promql';
import { compileAlertTemplate } from '@argus/template';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  type ExpressionEvaluator,
  engineTemplateQuery,
  evaluatorTemplateQuery,
  loadRuleFile,
} from '../src/index.js';
import { driver, row } from './helpers.js';

const T = 1_700_000_000_000;
const engine = createEngine({
  queryable: memoryQueryable([
    {
      labels: { __name__: 'up', job: 'node', instance: 'a:9100' },
      timestamps: [T - 15_000, T],
      values: [1, 0],
    },
    {
      labels: { __name__: 'up', job: 'node', instance: 'b:9100' },
      timestamps: [T - 15_000, T],
      values: [1, 1],
    },
  ]),
});
const data = { labels: { job: 'node' }, value: 1 };
const at = new Date(T);

describe('the query template function', () => {
  it('runs on the in-process engine at the evaluation time, with __name__ and sortByLabel/first/label/value', async () => {
    const tpl = compileAlertTemplate(
      '{{ range query "up{job=\\"node\\"}" | sortByLabel "instance" }}{{ .Labels.instance }}={{ .Value }};{{ end }}' +
        '{{ with query "count(up == 1)" }}{{ . | first | value }}{{ end }} {{ query "up" | first | label "__name__" }}' +
        ' {{ query "scalar(sum(up))" | first | value }}',
      'Up',
      { query: engineTemplateQuery(engine) },
    );
    expect(await tpl.renderAsync(data, at)).toBe('a:9100=0;b:9100=1;1 up 1');
  });

  it('renders the engine error as Prometheus renders a failed query', async () => {
    const tpl = compileAlertTemplate('{{ query "up[5m]" }}', 'Up', { query: engineTemplateQuery(engine) });
    expect(await tpl.renderAsync(data, at)).toBe(
      '<error expanding template: error executing template __alert_Up: template: __alert_Up:1:115: executing "__alert_Up" at <query "up[5m]">: error calling query: rule result is not a vector or scalar>',
    );
  });

  it('runs on an ExpressionEvaluator when rules are evaluated elsewhere', async () => {
    const asked: [string, number][] = [];
    // an evaluator backed by the same engine: what a Prometheus server would answer
    const evaluator: ExpressionEvaluator = {
      name: 'engine',
      async query(expr, atMs) {
        asked.push([expr, atMs]);
        const r = await engine.instantQuery(expr, atMs);
        return r.resultType === 'vector' ? r.result.map((s) => ({ labels: s.metric, value: s.v })) : [];
      },
    };
    const tpl = compileAlertTemplate('{{ query "sum(up)" | first | value | humanize }}', 'Up', {
      query: evaluatorTemplateQuery(evaluator),
    });
    expect(await tpl.renderAsync(data, at)).toBe('1');
    expect(asked).toEqual([['sum(up)', T]]);
  });
});

describe('awesome-prometheus-alerts annotations', () => {
  const dir = join(import.meta.dirname, 'fixtures', 'rule-corpus', 'awesome-prometheus-alerts');
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yml'));

  it('every alerting rule renders its annotations and labels without a template error', async () => {
    const failures: string[] = [];
    let rendered = 0;
    for (const f of files) {
      const doc = parse(readFileSync(join(dir, f), 'utf8')) as {
        groups?: {
          rules?: { alert?: string; labels?: Record<string, string>; annotations?: Record<string, string> }[];
        }[];
      };
      for (const r of (doc?.groups ?? []).flatMap((g) => g.rules ?? [])) {
        if (!r.alert) continue;
        for (const [k, text] of Object.entries({ ...r.labels, ...r.annotations })) {
          const tpl = compileAlertTemplate(String(text), r.alert, { query: engineTemplateQuery(engine) });
          const out = await tpl.renderAsync(
            { labels: { instance: 'host-1:9100', job: 'node', device: 'sda', name: 'x' }, value: 0.93512 },
            at,
          );
          rendered++;
          if (out.includes('<error expanding template')) failures.push(`${f} ${r.alert} ${k}: ${out}`);
        }
      }
    }
    expect(files.length).toBeGreaterThanOrEqual(100);
    expect(rendered).toBeGreaterThan(500);
    expect(failures).toEqual([]);
  }, 120_000);

  it('renders as Prometheus does: $labels, $value, humanize and printf', () => {
    const tpl = compileAlertTemplate(
      'Disk is almost full (< 10% left)\n  VALUE = {{ $value }}\n  LABELS = {{ $labels }} {{ $value | humanize }} {{ printf "%.2f" $value }}',
      'HostOutOfDiskSpace',
    );
    expect(tpl.render({ labels: { instance: 'h:9100', device: 'sda' }, value: 0.93512 })).toBe(
      'Disk is almost full (< 10% left)\n  VALUE = 0.93512\n  LABELS = map[device:sda instance:h:9100] 935.1m 0.94',
    );
  });
});

describe('query in the templates of a rule file run on an evaluator', () => {
  it('a <selector> <op> <number> rule (run in process as a thresholdRule) asks the evaluator after the sample', async () => {
    const asked: [string, number][] = [];
    const evaluator: ExpressionEvaluator = {
      name: 'server',
      async query(expr, atMs) {
        asked.push([expr, atMs]);
        return [{ labels: {}, value: 7 }];
      },
    };
    const [rule] = loadRuleFile(
      `groups:
  - name: g
    rules:
      - alert: Hot
        expr: cpu > 90
        annotations: { summary: '{{ $labels.instance }} {{ $value }} of {{ query "count(cpu)" | first | value }}' }
`,
      { evaluator },
    );
    const d = driver(rule!);
    expect(d.feed([row('a', 1000, 95)])).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(d.tick(2000).map((a) => [a.state, a.annotations])).toEqual([['firing', { summary: 'a 95 of 7' }]]);
    expect(asked).toEqual([['count(cpu)', 1000]]);
  });
});
