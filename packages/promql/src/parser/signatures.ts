// Prometheus 2.42's function signatures (promql/parser/functions.go): argument types, how many of the
// trailing ones may be left out (`optional`) or repeated (`variadic` = -1 for any number), return type.
import type { ValueType } from './ast.js';

/** One function's signature. */
export interface FunctionSignature {
  readonly args: readonly ValueType[];
  readonly returns: ValueType;
  /** 0: fixed arity; n > 0: up to n trailing arguments may be left out; -1: the last repeats freely. */
  readonly variadic: number;
}

const v: ValueType = 'vector';
const m: ValueType = 'matrix';
const s: ValueType = 'scalar';
const str: ValueType = 'string';
const sig = (args: ValueType[], returns: ValueType, variadic = 0): FunctionSignature => ({
  args,
  returns,
  variadic,
});

const MATH = ['abs', 'ceil', 'floor', 'exp', 'sqrt', 'ln', 'log2', 'log10', 'sgn', 'deg', 'rad'];
const TRIG = ['acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh', 'cos', 'cosh', 'sin', 'sinh', 'tan', 'tanh'];
const OVER_TIME = [
  'avg_over_time',
  'count_over_time',
  'last_over_time',
  'max_over_time',
  'min_over_time',
  'present_over_time',
  'stddev_over_time',
  'stdvar_over_time',
  'sum_over_time',
  'absent_over_time',
  'changes',
  'resets',
  'delta',
  'deriv',
  'idelta',
  'increase',
  'irate',
  'rate',
];
const DATE = [
  'day_of_month',
  'day_of_week',
  'day_of_year',
  'days_in_month',
  'hour',
  'minute',
  'month',
  'year',
];

/** Every function of Prometheus 2.42, by name. */
export const FUNCTIONS: ReadonlyMap<string, FunctionSignature> = new Map<string, FunctionSignature>([
  ...MATH.map((n) => [n, sig([v], v)] as const),
  ...TRIG.map((n) => [n, sig([v], v)] as const),
  ...OVER_TIME.map((n) => [n, sig([m], v)] as const),
  ...DATE.map((n) => [n, sig([v], v, 1)] as const),
  ['absent', sig([v], v)],
  ['clamp', sig([v, s, s], v)],
  ['clamp_max', sig([v, s], v)],
  ['clamp_min', sig([v, s], v)],
  ['histogram_count', sig([v], v)],
  ['histogram_sum', sig([v], v)],
  ['histogram_fraction', sig([s, s, v], v)],
  ['histogram_quantile', sig([s, v], v)],
  ['holt_winters', sig([m, s, s], v)],
  ['label_join', sig([v, str, str, str], v, -1)],
  ['label_replace', sig([v, str, str, str, str], v)],
  ['pi', sig([], s)],
  ['predict_linear', sig([m, s], v)],
  ['quantile_over_time', sig([s, m], v)],
  ['round', sig([v, s], v, 1)],
  ['scalar', sig([v], s)],
  ['sort', sig([v], v)],
  ['sort_desc', sig([v], v)],
  ['time', sig([], s)],
  ['timestamp', sig([v], v)],
  ['vector', sig([s], v)],
]);

/** Aggregation operators, and the type of their parameter where they take one. */
export const AGGREGATIONS: ReadonlyMap<string, ValueType | undefined> = new Map<
  string,
  ValueType | undefined
>([
  ['sum', undefined],
  ['avg', undefined],
  ['count', undefined],
  ['min', undefined],
  ['max', undefined],
  ['group', undefined],
  ['stddev', undefined],
  ['stdvar', undefined],
  ['topk', 'scalar'],
  ['bottomk', 'scalar'],
  ['quantile', 'scalar'],
  ['count_values', 'string'],
]);

/** The type names Prometheus uses in messages. */
export function typeName(t: ValueType): string {
  return { scalar: 'scalar', vector: 'instant vector', matrix: 'range vector', string: 'string' }[t];
}
