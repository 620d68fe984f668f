// Runs Prometheus 2.42's own PromQL acceptance tests (fixtures/promql-testdata, Apache-2.0, see SOURCE.md):
// one vitest case per `eval`. Each instant eval is also run as a range query around its time and checked at
// that step, as Prometheus's test.go does. Cases listed in known-failures.ts run as it.fails.
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { QueryResult } from '../src/index.js';
import { createEngine, type Engine, type MemorySeries, memoryQueryable } from '../src/index.js';
import { compare } from './testdata/compare.js';
import { KNOWN_FAILURES } from './testdata/known-failures.js';
import { type EvalCase, parseScript } from './testdata/script.js';

const dir = new URL('./fixtures/promql-testdata/', import.meta.url);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.test'))
  .sort();
const engines = new WeakMap<readonly MemorySeries[], Engine>();
const tally = new Map<string, { passed: number; total: number }>();

function engineFor(series: readonly MemorySeries[]): Engine {
  let e = engines.get(series);
  if (!e) engines.set(series, (e = createEngine({ queryable: memoryQueryable(series) })));
  return e;
}

/** Runs one eval; returns why it failed, or undefined. */
async function run(c: EvalCase): Promise<string | undefined> {
  const engine = engineFor(c.series);
  let res: QueryResult;
  try {
    res = await engine.instantQuery(c.expr, c.atMs);
  } catch (e) {
    return c.fail ? undefined : `error: ${(e as Error).message}`;
  }
  if (c.fail) return 'expected an error but got none';
  const diff = compare(res, c.expected, c.ordered);
  if (diff || c.ordered) return diff;
  let range: QueryResult;
  try {
    range = await engine.rangeQuery(c.expr, c.atMs - 60_000, c.atMs + 60_000, 60_000);
  } catch (e) {
    return `range query error: ${(e as Error).message}`;
  }
  if (range.resultType !== 'matrix') return 'range query did not return a matrix';
  const at = range.result.flatMap((s) => {
    const i = s.ts.indexOf(c.atMs);
    return i < 0 ? [] : [{ metric: s.metric, t: c.atMs, v: s.vs[i]! }];
  });
  const asInstant: QueryResult =
    res.resultType === 'scalar'
      ? { resultType: 'scalar', result: [c.atMs, at[0]?.v ?? Number.NaN] }
      : { resultType: 'vector', result: at };
  const rdiff = compare(asInstant, c.expected, false);
  return rdiff && `range mode: ${rdiff}`;
}

for (const file of files) {
  const cases = parseScript(readFileSync(new URL(file, dir), 'utf8'));
  tally.set(file, { passed: 0, total: cases.length });
  describe(file, () => {
    for (const c of cases) {
      const id = `${file}:${c.line}`;
      const known = KNOWN_FAILURES[id];
      const name = `${id} ${c.fail ? 'eval_fail' : c.ordered ? 'eval_ordered' : 'eval'} ${c.expr}`;
      (known ? it.fails : it)(name, async () => {
        const why = await run(c);
        if (!why) tally.get(file)!.passed++;
        expect(why).toBeUndefined();
      });
    }
  });
}

afterAll(() => {
  let passed = 0;
  let total = 0;
  const lines = [...tally].map(([f, t]) => {
    passed += t.passed;
    total += t.total;
    return `${f.padEnd(22)} ${t.passed}/${t.total}`;
  });
  console.log(
    `Prometheus 2.42 PromQL test files:\n${lines.join('\n')}\n${'total'.padEnd(22)} ${passed}/${total}`,
  );
});
