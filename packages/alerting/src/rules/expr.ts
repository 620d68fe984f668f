import type { Labels } from '@argus/core';
import type { CompareOp } from './common.js';

/** One element of an instant vector. */
export interface VectorSample {
  readonly labels: Labels;
  readonly value: number;
}

/** One series of a range evaluation: the values `expr` had at the grid times where it had one. */
export interface EvaluatedRangeSeries {
  readonly labels: Labels;
  /** ms since epoch, ascending, on the grid `fromMs + k·stepMs`. */
  readonly timestamps: readonly number[];
  readonly values: readonly number[];
}

/**
 * @deprecated Renamed {@link EvaluatedRangeSeries}: `RangeSeries` is `@argus/store`'s range-query result.
 */
export type RangeSeries = EvaluatedRangeSeries;

/**
 * Evaluates PromQL expressions somewhere else (a Prometheus server, through @argus/source-prometheus).
 * `query` returns the instant vector of `expr` at `atMs`; rejections are reported and the rule keeps its state.
 */
export interface ExpressionEvaluator {
  /** Shown in errors, e.g. `prometheus http://127.0.0.1:9090`. */
  readonly name: string;
  query(expr: string, atMs: number, signal: AbortSignal): Promise<readonly VectorSample[]>;
  /**
   * The instant vectors of `expr` at every `fromMs + k·stepMs` before `toMs`, as series (a Prometheus range query
   * gives exactly that). Backtests use it; without it they run `query` once per step.
   */
  queryRange?(
    expr: string,
    fromMs: number,
    toMs: number,
    stepMs: number,
    signal: AbortSignal,
  ): Promise<readonly EvaluatedRangeSeries[]>;
}

/** An expression Argus evaluates in process: `<selector> <op> <number>`. */
export interface SimpleComparison {
  readonly selector: string;
  readonly op: CompareOp;
  readonly threshold: number;
}

const OPS: readonly CompareOp[] = ['>=', '<=', '==', '!=', '>', '<'];
const NUMBER = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|0x[0-9a-fA-F]+|Inf|NaN)$/i;

/**
 * Parses `<selector> <op> <number>` (e.g. `node_load1{job="node"} > 4`); returns `undefined` for anything else
 * (functions, aggregations, `bool`, arithmetic), which needs a Prometheus server. Operators inside braces or
 * quotes belong to the selector.
 */
export function parseSimpleComparison(expr: string): SimpleComparison | undefined {
  let depth = 0;
  let quote = '';
  let found: { at: number; op: CompareOp } | undefined;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i]!;
    if (quote) {
      if (c === '\\' && quote !== '`') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (depth === 0 && !found) {
      const op = OPS.find((o) => expr.startsWith(o, i));
      if (op) found = { at: i, op };
    }
  }
  if (!found) return undefined;
  const selector = expr.slice(0, found.at).trim();
  const rhs = expr.slice(found.at + found.op.length).trim();
  if (!NUMBER.test(rhs) || !/^[a-zA-Z_:{][^()]*$/.test(selector) || /\s(?:and|or|unless)\s/.test(selector)) {
    return undefined;
  }
  if (!/^(?:[a-zA-Z_:][a-zA-Z0-9_:]*)?\s*(?:\{[\s\S]*\})?$/.test(selector)) return undefined;
  const n = rhs.replace(/^\+/, '');
  const threshold = /inf/i.test(n) ? (n.startsWith('-') ? -Infinity : Infinity) : Number(n);
  return { selector, op: found.op, threshold };
}
