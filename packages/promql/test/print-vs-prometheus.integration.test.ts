// formatExpr against the real Prometheus 2.42: one rule file loaded by `prometheus`, and /api/v1/rules's `query`
// of every rule (Prometheus prints the parsed expression) compared with formatExpr(parseExpr(expr as written)).
// The expressions cover every node type and the spellings Prometheus rewrites: grouping after the operand,
// numbers in other forms, quotes, the metric name as a matcher, durations, modifiers, signs, vector matching.

import { type RunningServer, startServer } from '@argus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatExpr, parseExpr } from '../src/index.js';

const EXPRS = [
  'sum(rate(x[5m])) by (job)',
  'sum without (instance, job) (x)',
  'sum without () (x)',
  'sum by () (x)',
  'avg(x) without (a)',
  'topk(5, x)',
  'bottomk by (a) (scalar(y), x)',
  'count_values("value", x)',
  'quantile(0.9, x)',
  'stddev(x) + stdvar(x) + group(x) + count(x) + min(x) + max(x)',
  'x > 1000000',
  'x * 0.00001 + 123456 - 1234567 + 0.0001',
  'x / 1e300 + 1.5e-7 + 0x1f + .5 + 5. + 1e3',
  'x + Inf - -Inf + NaN',
  '{__name__="x", job="a"}',
  '{__name__=~"x.*"}',
  'x{b="1", a=~"2", c!="3", d!~"4"}',
  'x{job=\'single\', s=`raw\\n`, t="tab\\there", u="é☃", q="a\\"b", bs="c\\\\d"}',
  'x offset 5m',
  'x offset -5m',
  'x @ 1609746000',
  'x @ 1609746000.5 offset 1h',
  'x @ start()',
  'x @ end() offset 1d',
  'rate(x[5m] offset 1h)',
  'rate(x[1h30m] @ end() offset 90s)',
  'x[1w] ',
  'rate(x[14d])',
  'rate(x[90d])',
  'rate(x[365d])',
  'rate(x[500ms])',
  'rate(x[1y2w3d])',
  'max_over_time(rate(x[5m])[1h:5m])',
  'max_over_time(x[1h:])',
  'min_over_time((x)[10m:1m] offset 5m)',
  'avg_over_time(x[90m:] @ 100)',
  'avg_over_time((x + y)[1h:1m] @ start())',
  '-x',
  '+x',
  '-1',
  '- -1',
  '-(1)',
  '-1 ^ 2',
  '2 ^ -1',
  '(x + y) * z',
  'x and on (a, b) y',
  'x or y',
  'x unless ignoring (c) y',
  'x * on (i) group_left (job, env) y',
  'x / ignoring (i) group_right y',
  'x + ignoring () group_left y',
  'x - on () group_left y',
  'x > bool 1',
  'x == bool on (a) y',
  '1 < bool 2',
  'label_replace(x, "dst", "$1", "src", "(.*)")',
  'label_join(x, "d", ",", "a", "b")',
  'histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m])))',
  'vector(1) + scalar(x) + time() + pi()',
  'abs(-x) + clamp(x, 0, 1) + round(x, 0.5)',
  'absent(nonexistent{job="a"})',
  'sum(x) by (job) > 1 and on () vector(1)',
  'x atan2 y',
  'x % 3 ^ 2',
  'x{a="b"} offset 1m @ 10',
];

let prometheus: RunningServer | undefined;

const yamlRules = EXPRS.map((e, i) => `      - record: r${i}\n        expr: |-\n          ${e}\n`).join('');

beforeAll(async () => {
  prometheus = await startServer({
    command: 'prometheus',
    debianPackage: 'prometheus',
    files: () => ({
      'prometheus.yml': 'global: { scrape_interval: 1h, evaluation_interval: 1h }\nrule_files: [rules.yml]\n',
      'rules.yml': `groups:\n  - name: printer\n    rules:\n${yamlRules}`,
    }),
    args: ({ port, dataDir }) => [
      `--config.file=${dataDir}/prometheus.yml`,
      `--storage.tsdb.path=${dataDir}/db`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    readyPath: '/-/ready',
  });
}, 120_000);

afterAll(async () => {
  await prometheus?.stop();
});

describe('formatExpr prints what Prometheus 2.42 prints for a parsed expression', () => {
  it('matches /api/v1/rules for every rule of the file', async () => {
    let rules: { name: string; query: string }[] = [];
    // the rule manager may list the group a moment after /-/ready: wait for it (a condition, not a duration)
    for (let i = 0; i < 100 && rules.length === 0; i++) {
      const body = (await (await fetch(`${prometheus!.url}/api/v1/rules`)).json()) as {
        data: { groups: { rules: { name: string; query: string }[] }[] };
      };
      rules = body.data.groups[0]?.rules ?? [];
      if (rules.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(rules).toHaveLength(EXPRS.length);
    const ours = EXPRS.map((e, i) => ({ name: `r${i}`, written: e, query: formatExpr(parseExpr(e)) }));
    const theirs = rules.map((r, i) => ({ name: r.name, written: EXPRS[i], query: r.query }));
    expect(ours).toEqual(theirs);
  }, 60_000);
});
