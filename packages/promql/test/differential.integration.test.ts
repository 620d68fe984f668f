// Differential test against the real Prometheus 2.42 (Debian's `prometheus`, started on a free port): the same
// seeded data in both, from the same OpenMetrics text (Prometheus through `promtool tsdb create-blocks-from
// openmetrics`, Argus through its own import into a store data directory), the same seeded random expressions, compared answer by answer as instant queries at several
// times and as range queries. PROMQL_DIFF_SEED and PROMQL_DIFF_COUNT override the seed and the count.
import { rmSync } from 'node:fs';
import { createStore, type Store } from '@argus/store';
import { describeWithBinary, type RunningServer } from '@argus/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEngine, type Engine, storeQueryable } from '../src/index.js';
import { generate, POINTS, rng, STEP_MS, T0, toOpenMetrics } from './differential/data.js';
import { vectorExpr } from './differential/exprs.js';
import { loadBoth } from './differential/servers.js';

const SEED = Number(process.env.PROMQL_DIFF_SEED ?? 4242);
const COUNT = Number(process.env.PROMQL_DIFF_COUNT ?? 200);
const END = T0 + (POINTS - 1) * STEP_MS;

/** One answer, normalised: an error, or label-set keys mapped to (time → value). */
type Answer = { error: true } | { error: false; series: Map<string, Map<number, number>> };

const key = (m: Record<string, string>): string =>
  JSON.stringify(
    Object.keys(m)
      .sort()
      .map((k) => [k, m[k]]),
  );

function close(a: number, b: number): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const diff = Math.abs(a - b);
  return diff <= 1e-12 || diff <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

function differences(argus: Answer, prom: Answer): string | undefined {
  if (argus.error || prom.error)
    return argus.error === prom.error
      ? undefined
      : `error on one side only (argus: ${argus.error}, prometheus: ${prom.error})`;
  const keys = new Set([...argus.series.keys(), ...prom.series.keys()]);
  for (const k of keys) {
    const a = argus.series.get(k);
    const p = prom.series.get(k);
    if (!a || !p) return `series ${k} only in ${a ? 'argus' : 'prometheus'}`;
    for (const t of new Set([...a.keys(), ...p.keys()])) {
      if (!a.has(t) || !p.has(t)) return `series ${k} at ${t}: only in ${a.has(t) ? 'argus' : 'prometheus'}`;
      if (!close(a.get(t)!, p.get(t)!))
        return `series ${k} at ${t}: argus ${a.get(t)} prometheus ${p.get(t)}`;
    }
  }
  return undefined;
}

const num = (s: string): number => (s === '+Inf' ? Infinity : s === '-Inf' ? -Infinity : Number(s));

async function promAnswer(
  prom: RunningServer,
  path: string,
  params: Record<string, string>,
): Promise<Answer> {
  const res = await fetch(`${prom.url}${path}?${new URLSearchParams(params)}`);
  const body = (await res.json()) as { status: string; data: { resultType: string; result: unknown } };
  if (body.status !== 'success') return { error: true };
  const series = new Map<string, Map<number, number>>();
  const { resultType, result } = body.data;
  if (resultType === 'scalar') {
    const [t, v] = result as [number, string];
    series.set(key({}), new Map([[Math.round(t * 1000), num(v)]]));
  } else if (resultType === 'vector') {
    for (const s of result as { metric: Record<string, string>; value: [number, string] }[])
      series.set(key(s.metric), new Map([[Math.round(s.value[0] * 1000), num(s.value[1])]]));
  } else {
    for (const s of result as { metric: Record<string, string>; values: [number, string][] }[])
      series.set(key(s.metric), new Map(s.values.map(([t, v]) => [Math.round(t * 1000), num(v)])));
  }
  return { error: false, series };
}

async function argusAnswer(run: () => Promise<Awaited<ReturnType<Engine['instantQuery']>>>): Promise<Answer> {
  let r: Awaited<ReturnType<Engine['instantQuery']>>;
  try {
    r = await run();
  } catch {
    return { error: true };
  }
  const series = new Map<string, Map<number, number>>();
  if (r.resultType === 'scalar') series.set(key({}), new Map([[r.result[0], r.result[1]]]));
  else if (r.resultType === 'vector')
    for (const s of r.result) series.set(key(s.metric), new Map([[s.t, s.v]]));
  else if (r.resultType === 'matrix')
    for (const s of r.result) series.set(key(s.metric), new Map(s.ts.map((t, i) => [t, s.vs[i]!])));
  return { error: false, series };
}

describeWithBinary(
  [
    { bin: 'prometheus', pkg: 'prometheus' },
    { bin: 'promtool', pkg: 'prometheus' },
  ],
  `differential test against Prometheus 2.42 (seed ${SEED})`,
  () => {
    let prom: RunningServer;
    let engine: Engine;
    let dir: string;
    let store: Store;
    const r = rng(SEED);
    const exprs = Array.from({ length: COUNT }, () => vectorExpr(r, 1 + Math.floor(r() * 3)));

    beforeAll(async () => {
      console.log(
        `promql differential test: seed ${SEED} (set PROMQL_DIFF_SEED to replay), ${COUNT} expressions`,
      );
      const loaded = await loadBoth(toOpenMetrics(generate(SEED)));
      ({ dir, prometheus: prom } = loaded);
      store = createStore({ dataDir: loaded.argusDataDir, retentionMs: 100 * 365 * 86_400_000 });
      await store.open();
      engine = createEngine({ queryable: storeQueryable(store) });
    }, 60_000);

    afterAll(async () => {
      await prom?.stop();
      await store?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it(`answers ${COUNT} generated expressions as Prometheus does`, async () => {
      const times = [T0 + 10 * 60_000, T0 + 3_600_000 + 7_000, END];
      const failures: string[] = [];
      for (const expr of exprs) {
        for (const t of times) {
          const a = await argusAnswer(() => engine.instantQuery(expr, t));
          const p = await promAnswer(prom, '/api/v1/query', { query: expr, time: String(t / 1000) });
          const d = differences(a, p);
          if (d) failures.push(`instant at ${t}: ${expr}\n    ${d}`);
        }
        const [start, end, step] = [T0 + 5 * 60_000, END, 5 * 60_000];
        const a = await argusAnswer(() => engine.rangeQuery(expr, start, end, step));
        const p = await promAnswer(prom, '/api/v1/query_range', {
          query: expr,
          start: String(start / 1000),
          end: String(end / 1000),
          step: String(step / 1000),
        });
        const d = differences(a, p);
        if (d) failures.push(`range: ${expr}\n    ${d}`);
      }
      expect(failures.slice(0, 20).join('\n'), `${failures.length} differences, seed ${SEED}`).toBe('');
    }, 600_000);
  },
);
