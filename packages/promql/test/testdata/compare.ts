// Compares a query result with a test file's expectation as Prometheus's promql/test.go does: the same
// series (by labels), in order for eval_ordered, values almost equal (relative epsilon 1e-6, NaN = NaN).
import type { QueryResult } from '../../src/index.js';
import type { Expected } from './script.js';

const EPSILON = 0.000001;
const MIN_NORMAL = 2.2250738585072014e-308;

/** Go's almostEqual from promql/test.go's description: relative error below 1e-6. */
export function almostEqual(a: number, b: number): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || diff < MIN_NORMAL) return diff < EPSILON * MIN_NORMAL;
  return diff / (Math.abs(a) + Math.abs(b)) < EPSILON;
}

/** A label set's text for messages and matching (sorted, name included). */
export function key(l: Record<string, string>): string {
  return `{${Object.keys(l)
    .sort()
    .map((k) => `${k}=${JSON.stringify(l[k])}`)
    .join(', ')}}`;
}

/** Returns why the result differs from the expectation, or undefined when it matches. */
export function compare(
  result: QueryResult,
  expected: readonly Expected[],
  ordered: boolean,
): string | undefined {
  if (result.resultType === 'scalar') {
    const want = expected[0];
    if (!want || want.labels) return `got scalar ${result.result[1]}, expected ${describe(expected)}`;
    return almostEqual(want.value, result.result[1])
      ? undefined
      : `expected scalar ${want.value} but got ${result.result[1]}`;
  }
  if (result.resultType !== 'vector') return `received ${result.resultType} result on instant evaluation`;
  const want = new Map(expected.map((e, i) => [key(e.labels ?? {}), { ...e, pos: i }]));
  const seen = new Set<string>();
  for (const [pos, s] of result.result.entries()) {
    const k = key(s.metric);
    const e = want.get(k);
    if (!e) return `unexpected metric ${k} in result (value ${s.v}); expected ${describe(expected)}`;
    if (ordered && e.pos !== pos)
      return `expected metric ${k} at position ${e.pos + 1} but was at ${pos + 1}`;
    if (!almostEqual(e.value, s.v)) return `expected ${e.value} for ${k} but got ${s.v}`;
    seen.add(k);
  }
  for (const k of want.keys()) if (!seen.has(k)) return `expected metric ${k} not found`;
  return undefined;
}

function describe(expected: readonly Expected[]): string {
  return expected.map((e) => `${e.labels ? key(e.labels) : ''} ${e.value}`).join('; ') || 'nothing';
}
