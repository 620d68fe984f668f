// Functions that map each sample of an instant vector to a new value (math, trigonometry, dates, clamp…).

const isInf = (v: number): boolean => v === Infinity || v === -Infinity;

/** Element-wise functions by name. All of them drop the metric name. */
export const ELEMENTWISE: ReadonlyMap<string, (v: number) => number> = new Map<string, (v: number) => number>(
  [
    ['abs', Math.abs],
    ['ceil', Math.ceil],
    ['floor', Math.floor],
    ['exp', Math.exp],
    ['sqrt', Math.sqrt],
    ['ln', Math.log],
    ['log2', Math.log2],
    ['log10', Math.log10],
    ['sgn', (v) => (v < 0 ? -1 : v > 0 ? 1 : v)],
    ['deg', (v) => (v * 180) / Math.PI],
    ['rad', (v) => (v * Math.PI) / 180],
    ['acos', Math.acos],
    ['acosh', Math.acosh],
    ['asin', Math.asin],
    ['asinh', Math.asinh],
    ['atan', Math.atan],
    ['atanh', Math.atanh],
    ['cos', trig(Math.cos)],
    ['cosh', Math.cosh],
    ['sin', trig(Math.sin)],
    ['sinh', Math.sinh],
    ['tan', trig(Math.tan)],
    ['tanh', Math.tanh],
  ],
);

// Go returns NaN for trigonometric functions of ±Inf, as JS does; kept explicit for clarity.
function trig(f: (v: number) => number): (v: number) => number {
  return (v) => (isInf(v) ? Number.NaN : f(v));
}

/** Date functions of a Unix time in seconds, in UTC. */
export const DATE_FUNCTIONS: ReadonlyMap<string, (d: Date) => number> = new Map<string, (d: Date) => number>([
  ['day_of_month', (d) => d.getUTCDate()],
  ['day_of_week', (d) => d.getUTCDay()],
  [
    'day_of_year',
    (d) =>
      Math.floor(
        (Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) /
          86_400_000,
      ) + 1,
  ],
  ['days_in_month', (d) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate()],
  ['hour', (d) => d.getUTCHours()],
  ['minute', (d) => d.getUTCMinutes()],
  ['month', (d) => d.getUTCMonth() + 1],
  ['year', (d) => d.getUTCFullYear()],
]);

/** round(v, toNearest): rounds half up to a multiple of toNearest. */
export function round(v: number, toNearest: number): number {
  const inv = 1 / toNearest;
  return Math.floor(v * inv + 0.5) / inv;
}
