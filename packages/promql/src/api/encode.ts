// Results in Prometheus's JSON: timestamps as float seconds, values as strings formatted like Go
// (`+Inf`, `-Inf`, `NaN`, no exponent).
import { formatFloat } from '../engine/format.js';
import type { QueryResult } from '../engine/query.js';
import type { TimeSlice } from '../time-slice.js';

type Point = [number, string];
const point = (t: number, v: number): Point => [t / 1000, formatFloat(v)];

type SeriesResult = QueryResult & { resultType: 'vector' | 'matrix' };

/** Series `i` of a vector or matrix answer as its JSON value. */
function encodeSeries(r: SeriesResult, i: number): unknown {
  if (r.resultType === 'vector') {
    const s = r.result[i]!;
    return { metric: s.metric, value: point(s.t, s.v) };
  }
  const s = r.result[i]!;
  return { metric: s.metric, values: s.ts.map((t, k) => point(t, s.vs[k]!)) };
}

/** `data` of a query answer: `{ resultType, result }`. */
export function encodeResult(r: QueryResult): { resultType: string; result: unknown } {
  switch (r.resultType) {
    case 'scalar':
      return { resultType: 'scalar', result: point(r.result[0], r.result[1]) };
    case 'string':
      return { resultType: 'string', result: [r.result[0] / 1000, r.result[1]] };
    case 'vector':
    case 'matrix':
      return { resultType: r.resultType, result: r.result.map((_, i) => encodeSeries(r, i)) };
  }
}

/** Series encoded between two looks at the clock. */
const CHUNK = 16;
const RESULT = '"result":[';

/**
 * The JSON text of `envelope`, whose `data.result` is `[]`, with the series of `r` in that array: encoded and
 * stringified series by series with checkpoints of `slice` between chunks. A matrix of a thousand series over a
 * day is tens of megabytes of JSON, which one JSON.stringify call would build without giving the event loop a
 * turn. The text is the same as JSON.stringify of the whole answer (an array's JSON is its elements' JSON joined
 * by commas).
 */
export async function stringifyInSlices(
  envelope: { readonly status: string; readonly data: { readonly resultType: string } },
  r: SeriesResult,
  slice: TimeSlice,
): Promise<string> {
  const text = JSON.stringify(envelope);
  // `status` and `resultType` are fixed words, so the first `"result":[` is data's (warnings come after data)
  const at = text.indexOf(RESULT) + RESULT.length;
  let out = text.slice(0, at);
  for (let i = 0; i < r.result.length; i++) {
    if (i % CHUNK === 0 && slice.due()) await slice.checkpoint();
    if (i > 0) out += ',';
    out += JSON.stringify(encodeSeries(r, i));
  }
  return out + text.slice(at);
}
