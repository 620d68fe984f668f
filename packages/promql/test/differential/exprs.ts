// Random but reproducible PromQL expressions over the differential data: selectors, functions,
// aggregations, binary operators with matching, subqueries, composed a few levels deep.

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const SELECTORS = [
  'http_requests_total',
  'http_requests_total{job="api"}',
  'http_requests_total{code=~"5.."}',
  'http_requests_total{instance!="1"}',
  'temperature',
  'temperature{job!~"d.*"}',
  'latency_seconds_bucket',
];
const RANGES = ['1m', '5m', '90s', '10m'];
const RANGE_FNS = [
  'rate',
  'increase',
  'delta',
  'irate',
  'idelta',
  'deriv',
  'changes',
  'resets',
  'avg_over_time',
  'min_over_time',
  'max_over_time',
  'sum_over_time',
  'count_over_time',
  'last_over_time',
  'stddev_over_time',
  'stdvar_over_time',
  'present_over_time',
];
const TIE_FREE = [
  'temperature',
  'temperature{instance!="0"} * 2',
  'avg_over_time(temperature[5m])',
  'rate(http_requests_total{code="200"}[10m])',
  'deriv(temperature[10m])',
];
const AGGS = ['sum', 'avg', 'min', 'max', 'count', 'stddev', 'stdvar', 'group'];
const GROUPINGS = ['', ' by (job)', ' without (instance)', ' by (job, code)', ' without (code, instance)'];
const ARITH = ['+', '-', '*', '/', '%', '^', 'atan2'];
const CMP = ['>', '<', '==', '!=', '>=', '<='];
const MATCH = ['', ' on (job, instance)', ' ignoring (code)', ' on (job) group_left', ' on () group_left'];

/** An instant-vector expression of at most `depth` levels. */
export function vectorExpr(r: Rand, depth: number): string {
  const sel = pick(r, SELECTORS);
  if (depth <= 0) return leaf(r, sel);
  switch (Math.floor(r() * 15)) {
    case 12:
      return `${pick(r, ['predict_linear', 'holt_winters', 'quantile_over_time'])}${extraArgs(r, sel)}`;
    case 13:
      return pick(r, [
        // Label text shows every digit, and Go's math (exp, ln…) can differ from JavaScript's in the last bit:
        // count_values only gets operands computed without them.
        `count_values${pick(r, GROUPINGS)} ("value", ${pick(r, ['ceil', 'floor'])}(${pick(r, TIE_FREE)}))`,
        `absent(${sel}{job="nope"})`,
        `absent_over_time(${sel}[1m])`,
        `label_join(${vectorExpr(r, depth - 1)}, "joined", "-", "job", "instance")`,
        `${vectorExpr(r, depth - 1)} * scalar(sum(temperature))`,
        `vector(time()) - ${vectorExpr(r, depth - 1)}`,
      ]);
    case 14:
      return `${pick(r, ['hour', 'minute', 'day_of_week', 'month', 'days_in_month'])}(${pick(r, ['', 'timestamp(temperature)'])})`;
    case 0:
      return `${pick(r, AGGS)}${pick(r, GROUPINGS)} (${vectorExpr(r, depth - 1)})`;
    case 1:
      // Among equal values, which samples topk/bottomk keep depends on Go's map order in Prometheus (it varies
      // from one query to the next), so they only get operands without ties.
      return `${pick(r, ['topk', 'bottomk'])}${pick(r, ['', ' by (job)'])} (${1 + Math.floor(r() * 3)}, ${pick(r, TIE_FREE)})`;
    case 2:
      return `quantile${pick(r, GROUPINGS)} (${pick(r, ['0', '0.5', '0.9', '1'])}, ${vectorExpr(r, depth - 1)})`;
    case 3:
      return `${vectorExpr(r, depth - 1)} ${pick(r, ARITH)} ${pick(r, ['2', '0.5', '-1', '0'])}`;
    case 4:
      return `${vectorExpr(r, depth - 1)} ${pick(r, CMP)}${r() < 0.5 ? ' bool' : ''} ${pick(r, ['10', '100', '0.5'])}`;
    case 5:
      return `${vectorExpr(r, depth - 1)} ${pick(r, [...ARITH, ...CMP])}${pick(r, MATCH)} ${vectorExpr(r, depth - 1)}`;
    case 6:
      return `${vectorExpr(r, depth - 1)} ${pick(r, ['and', 'or', 'unless'])}${pick(r, ['', ' on (job)', ' ignoring (code)'])} ${vectorExpr(r, depth - 1)}`;
    case 7:
      return `${pick(r, ['abs', 'ceil', 'floor', 'sqrt', 'exp', 'ln', 'sgn', 'timestamp'])}(${vectorExpr(r, depth - 1)})`;
    case 8:
      return `${pick(r, ['max_over_time', 'avg_over_time', 'rate', 'deriv'])}((${vectorExpr(r, depth - 1)})[${pick(r, ['5m', '10m'])}:${pick(r, ['', '1m', '30s'])}])`;
    case 9:
      return `histogram_quantile(${pick(r, ['0.5', '0.9', '0.99'])}, sum by (le${r() < 0.5 ? ', job' : ''}) (rate(latency_seconds_bucket[${pick(r, RANGES)}])))`;
    case 10:
      return `${pick(r, ['clamp_min', 'clamp_max', 'round'])}(${vectorExpr(r, depth - 1)}, ${pick(r, ['1', '5', '0.1'])})`;
    default:
      return `label_replace(${vectorExpr(r, depth - 1)}, "x", "$1", "instance", "(.*)")`;
  }
}

/** A selector, possibly shifted, possibly inside a range function. */
function leaf(r: Rand, sel: string): string {
  const shift = pick(r, [
    '',
    '',
    ' offset 5m',
    ' offset -2m',
    ' @ 1700003600',
    ' @ start()',
    ' @ end() offset 1m',
  ]);
  return r() < 0.6 ? `${pick(r, RANGE_FNS)}(${sel}[${pick(r, RANGES)}]${shift})` : `${sel}${shift}`;
}

/** The argument list of predict_linear, holt_winters or quantile_over_time over one selector. */
function extraArgs(r: Rand, sel: string): string {
  const range = `${sel}[${pick(r, ['5m', '10m'])}]`;
  return pick(r, [`(${range}, 600)`, `(${range}, 0.3, 0.6)`, `(0.75, ${range})`]);
}
