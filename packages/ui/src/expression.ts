// The series page takes a PromQL expression as well as a selector: a selector reads the stored series with their
// findings and band (`GET /api/series`), an expression is evaluated by the server's PromQL engine
// (`GET /api/v1/query_range`) and drawn as values only (computed series have no findings or band). DOM-free.
import { api } from './api.js';
import type { SeriesAnswer } from './series.js';

// a metric name, a `{…}` matcher list, or both, and nothing else (quoted values may hold any character but `"`)
const SELECTOR = /^\s*(?:[A-Za-z_:][\w:]*\s*)?(?:\{(?:[^{}"]|"(?:[^"\\]|\\.)*")*\})?\s*$/;

/** Whether `text` is a plain series selector (read from the store) rather than an expression to evaluate. */
export function isSelector(text: string): boolean {
  return text.trim() !== '' && SELECTOR.test(text);
}

/** Most points per series an expression is evaluated at: the step is the range over this, at least a second. */
export const MAX_EXPRESSION_POINTS = 2000;

/** The `query_range` parameters for an expression over [from, to) (ms). */
export function rangeQuery(expr: string, from: number, to: number): URLSearchParams {
  const stepS = Math.max(1, Math.ceil((to - from) / 1000 / MAX_EXPRESSION_POINTS));
  return new URLSearchParams({
    query: expr,
    start: String(from / 1000),
    end: String(to / 1000),
    step: String(stepS),
  });
}

/** Prometheus's `query_range` answer (the fields read here). */
export interface MatrixAnswer {
  data: { resultType: string; result: { metric: Record<string, string>; values: [number, string][] }[] };
}

/**
 * The series page's answer from a `query_range` matrix: each result series as columns (ms times; a value the
 * engine wrote as NaN or ±Inf is a gap), with no score, band or findings. At most `limit` series.
 */
export function matrixToAnswer(m: MatrixAnswer, from: number, to: number, limit: number): SeriesAnswer {
  const result = m.data.resultType === 'matrix' ? m.data.result : [];
  return {
    from,
    to,
    truncated: result.length > limit,
    series: result.slice(0, limit).map((r) => {
      const nulls = r.values.map(() => null);
      return {
        labels: r.metric,
        timestamps: r.values.map(([t]) => Math.round(t * 1000)),
        values: r.values.map(([, v]) => {
          const x = Number(v);
          return Number.isFinite(x) ? x : null;
        }),
        score: nulls,
        expected: nulls,
        lower: nulls,
        upper: nulls,
        findings: [],
      };
    }),
  };
}

/** Evaluates `expr` over [from, to) with the server's PromQL engine, as the series page's answer. */
export async function expressionAnswer(
  expr: string,
  from: number,
  to: number,
  limit: number,
): Promise<SeriesAnswer> {
  const m = await api.get<MatrixAnswer>(`api/v1/query_range?${rangeQuery(expr, from, to)}`);
  return matrixToAnswer(m, from, to, limit);
}
