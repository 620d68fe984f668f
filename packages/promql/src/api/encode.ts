// Results in Prometheus's JSON: timestamps as float seconds, values as strings formatted like Go
// (`+Inf`, `-Inf`, `NaN`, no exponent).
import { formatFloat } from '../engine/format.js';
import type { QueryResult } from '../engine/query.js';

type Point = [number, string];
const point = (t: number, v: number): Point => [t / 1000, formatFloat(v)];

/** `data` of a query answer: `{ resultType, result }`. */
export function encodeResult(r: QueryResult): { resultType: string; result: unknown } {
  switch (r.resultType) {
    case 'scalar':
      return { resultType: 'scalar', result: point(r.result[0], r.result[1]) };
    case 'string':
      return { resultType: 'string', result: [r.result[0] / 1000, r.result[1]] };
    case 'vector':
      return {
        resultType: 'vector',
        result: r.result.map((s) => ({ metric: s.metric, value: point(s.t, s.v) })),
      };
    case 'matrix':
      return {
        resultType: 'matrix',
        result: r.result.map((s) => ({ metric: s.metric, values: s.ts.map((t, i) => point(t, s.vs[i]!)) })),
      };
  }
}
