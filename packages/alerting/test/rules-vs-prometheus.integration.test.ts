// The same rule file evaluated by the real Prometheus 2.42 (Debian package) and in process by ruleGroups, over the
// same data: Prometheus gets it as TSDB blocks (`promtool tsdb create-blocks-from openmetrics`), Argus through its
// own import. Prometheus evaluates the groups live; Argus then evaluates at exactly Prometheus's evaluation
// timestamps (read back from the recorded series), and the recorded series, ALERTS, ALERTS_FOR_STATE and
// /api/v1/alerts of both must agree.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeQueryable } from '@argus/promql';
import { createStore, importOpenMetrics, type Store } from '@argus/store';
import { type RunningServer, startServer } from '@argus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ruleGroups } from '../src/index.js';

const RULES = `groups:
  - name: diff
    interval: 1s
    rules:
      - record: job:req:rate5m
        expr: sum(rate(req_total[5m])) by (job)
      - record: instance:req:irate
        expr: irate(req_total[2m]) * on (instance) group_left (job) up
        labels: { source: argus-diff }
      - alert: RateHigh
        expr: job:req:rate5m > 1
        for: 3s
        labels: { severity: page, rate: "{{ printf \\"%.0f\\" $value }}" }
        annotations: { summary: "{{ $labels.job }} at {{ $value | humanize }}/s" }
      - alert: Down
        expr: up == 0
        annotations: { summary: "{{ $labels.instance }} of {{ $labels.job }} is down" }
      - alert: Slow
        expr: instance:req:irate < 1
        for: 1h
      # a label templated with a value that changes at every evaluation: each evaluation makes another alert (its
      # labels are its identity) and the previous one stops holding: dropped while pending, resolved once firing
      - alert: TickPending
        expr: vector(time()) > 0
        for: 1h
        labels: { at: "{{ $value }}" }
      - alert: TickFiring
        expr: vector(time()) > 0
        labels: { at: "{{ $value }}", n: "{{ len $labels }}" }
`;

/** Counters at different slopes (one with a reset), and up, every 15 s over the 30 minutes before `endMs`. */
function openMetrics(endMs: number): string {
  const lines: string[] = [];
  const series: [string, (i: number) => number][] = [
    ['req_total{job="api",instance="a"}', (i) => i * 30],
    ['req_total{job="api",instance="b"}', (i) => i * 7.5],
    ['req_total{job="web",instance="c"}', (i) => (i < 60 ? i * 3 : (i - 60) * 4)],
    ['up{job="api",instance="a"}', () => 1],
    ['up{job="api",instance="b"}', () => 0],
    ['up{job="web",instance="c"}', () => 1],
  ];
  for (const [name, f] of series)
    for (let i = 0; i <= 120; i++) lines.push(`${name} ${f(i)} ${(endMs - (120 - i) * 15_000) / 1000}`);
  return `${lines.join('\n')}\n# EOF\n`;
}

const sortedJson = (l: Record<string, string>): string => JSON.stringify(Object.entries(l).sort());

type Matrix = { metric: Record<string, string>; values: [number, string][] }[];

let dir: string;
let prometheus: RunningServer;
let store: Store;

async function api<T>(path: string): Promise<T> {
  const res = await fetch(`${prometheus.url}${path}`);
  const body = (await res.json()) as { status: string; data: T };
  if (body.status !== 'success') throw new Error(`${path}: ${JSON.stringify(body)}`);
  return body.data;
}

const matrix = async (q: string, at: number): Promise<Matrix> =>
  (await api<{ result: Matrix }>(`/api/v1/query?query=${encodeURIComponent(q)}&time=${at / 1000}`)).result;

/** Prometheus's evaluation timestamps so far (every evaluation records job:req:rate5m). */
async function evaluations(): Promise<number[]> {
  const m = await matrix('job:req:rate5m{job="api"}[10m]', Date.now() + 60_000);
  return (m[0]?.values ?? []).map(([t]) => Math.round(t * 1000));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'argus-rules-diff-'));
  // data up to a second ago: Prometheus appends rule output only after its newest block
  const endMs = Math.floor(Date.now() / 1000) * 1000 - 1000;
  const file = join(dir, 'data.om');
  writeFileSync(file, openMetrics(endMs));
  execFileSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', file, join(dir, 'db')], {
    stdio: 'pipe',
  });
  await importOpenMetrics({ file, dataDir: join(dir, 'argus'), retentionMs: 365 * 86_400_000 });
  store = createStore({ dataDir: join(dir, 'argus'), retentionMs: 365 * 86_400_000 });
  await store.open();
  prometheus = await startServer({
    command: 'prometheus',
    debianPackage: 'prometheus',
    files: () => ({
      'prometheus.yml': 'global: { scrape_interval: 1h, evaluation_interval: 1s }\nrule_files: [rules.yml]\n',
      'rules.yml': RULES,
    }),
    args: ({ port, dataDir }) => [
      `--config.file=${dataDir}/prometheus.yml`,
      `--storage.tsdb.path=${join(dir, 'db')}`,
      '--storage.tsdb.retention.time=100y',
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    readyPath: '/-/ready',
  });
}, 120_000);

afterAll(async () => {
  await prometheus?.stop();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a rule file in process against Prometheus 2.42', () => {
  it('records the same series and ALERTS at the same timestamps, and lists the same alerts', async () => {
    // wait for Prometheus to have evaluated the group 6 times (a condition, not a duration)
    let evals: number[] = [];
    for (let i = 0; i < 600 && evals.length < 6; i++) {
      await new Promise((r) => setTimeout(r, 100));
      evals = await evaluations();
    }
    expect(evals.length).toBeGreaterThanOrEqual(6);
    // Prometheus's /api/v1/alerts as of a known last evaluation: read it between two identical reads of the evaluations
    let promAlerts: unknown[] = [];
    let promRules: { groups: Record<string, unknown>[] } = { groups: [] };
    for (let i = 0; i < 50; i++) {
      const before = await evaluations();
      promAlerts = (await api<{ alerts: unknown[] }>('/api/v1/alerts')).alerts;
      promRules = await api<{ groups: Record<string, unknown>[] }>('/api/v1/rules');
      const after = await evaluations();
      evals = after;
      if (before.length === after.length) break;
    }
    const groups = ruleGroups({
      files: [{ file: 'rules.yml', text: RULES }],
      queryable: storeQueryable(store),
      appender: store,
    });
    for (const t of evals) await groups.evaluateAt(t);

    const first = evals[0]!;
    const last = evals.at(-1)!;
    const norm = (m: Matrix) =>
      m
        .map((s) => ({
          metric: s.metric,
          values: s.values
            .filter(([t]) => t * 1000 >= first && t * 1000 <= last)
            .map(([t, v]) => [t, Number(v)]),
        }))
        .filter((s) => s.values.length > 0)
        .sort((a, b) => sortedJson(a.metric).localeCompare(sortedJson(b.metric)));
    const argusEngine = (await import('@argus/promql')).createEngine({ queryable: storeQueryable(store) });
    for (const q of ['job:req:rate5m', 'instance:req:irate', 'ALERTS', 'ALERTS_FOR_STATE']) {
      const window = `${q}[${Math.ceil((last - first) / 1000) + 1}s]`;
      const theirs = norm(await matrix(window, last));
      const r = await argusEngine.instantQuery(window, last);
      const ours = norm(
        r.resultType === 'matrix'
          ? r.result.map((s) => ({
              metric: { ...s.metric },
              values: s.ts.map((t, i) => [t / 1000, String(s.vs[i])]),
            }))
          : [],
      );
      expect(ours.length, q).toBeGreaterThan(0);
      expect(
        ours.map((s) => s.metric),
        q,
      ).toEqual(theirs.map((s) => s.metric));
      for (const [i, s] of ours.entries()) {
        const want = theirs[i]!.values;
        expect(
          s.values.map(([t]) => t),
          `${q} ${sortedJson(s.metric)} timestamps`,
        ).toEqual(want.map(([t]) => t));
        for (const [k, [, v]] of s.values.entries())
          expect(
            Math.abs(Number(v) - Number(want[k]![1])),
            `${q} ${JSON.stringify(s.metric)}`,
          ).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(Number(v))));
      }
    }
    const key = (a: unknown) => JSON.stringify((a as { labels: unknown }).labels);
    const sortAlerts = (xs: unknown[]) => [...xs].sort((a, b) => key(a).localeCompare(key(b)));
    // Prometheus keeps activeAt in nanoseconds; Argus (and every sample) in milliseconds
    const toMs = (xs: unknown[]) =>
      xs.map((a) => {
        const x = a as { activeAt: string };
        return { ...x, activeAt: new Date(x.activeAt).toISOString() };
      });
    expect(sortAlerts(toMs(groups.alerts().alerts))).toEqual(sortAlerts(toMs(promAlerts)));
    expect(promAlerts.length).toBeGreaterThanOrEqual(3);
    // /api/v1/rules: the same document but for wall-clock fields (evaluation durations and start times); `query` is
    // the parsed expression printed, as Prometheus prints it
    const clean = (v: unknown): unknown => {
      if (Array.isArray(v)) {
        const xs = v.map(clean);
        return xs.every((x) => typeof x === 'object' && x !== null && 'labels' in x)
          ? xs.sort((a, b) => key(a).localeCompare(key(b)))
          : xs;
      }
      if (typeof v !== 'object' || v === null) return v;
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        if (k === 'evaluationTime' || k === 'lastEvaluation') continue;
        out[k] = k === 'activeAt' ? new Date(x as string).toISOString() : clean(x);
      }
      return out;
    };
    expect(clean(groups.rules())).toEqual(
      clean({ ...promRules, groups: promRules.groups.map((g) => ({ ...g, file: 'rules.yml' })) }),
    );
  }, 120_000);
});
