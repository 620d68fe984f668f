const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
  1e20, 1e21, 1e22,
];
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL = /^([+-]?)(inf|infinity|nan)$/i;

/**
 * Where {@link parseNumberInto} leaves its result. A double returned from a call that is not inlined is boxed: a
 * heap number per sample, 1.2 MB of a first scrape's 2.6 MB of garbage for a page of 100k samples.
 */
export const parsedNumber: Float64Array = new Float64Array(1);

/**
 * Parses `s[start, end)` as a float the way Go's `strconv.ParseFloat` reads exposition values: decimals,
 * exponents, `NaN`, `±Inf` (any case). Returns `undefined` for anything else.
 */
export function parseNumber(s: string, start: number, end: number): number | undefined {
  return parseNumberInto(s, start, end) ? parsedNumber[0] : undefined;
}

/** {@link parseNumber} into {@link parsedNumber}; returns whether `s[start, end)` is a number. */
export function parseNumberInto(s: string, start: number, end: number): boolean {
  let i = start;
  let c = s.charCodeAt(i);
  const neg = c === 45;
  if (neg || c === 43) i++;
  let mant = 0;
  let digits = 0;
  let frac = 0;
  for (; i < end; i++) {
    c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    mant = mant * 10 + (c - 48);
    digits++;
  }
  if (i < end && c === 46) {
    for (i++; i < end; i++) {
      c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      mant = mant * 10 + (c - 48);
      digits++;
      frac++;
    }
  }
  let exp = 0;
  if (i < end && (c === 101 || c === 69)) {
    // an exponent: e[+-]digits (at most 3 digits, else the slow path decides)
    let j = i + 1;
    const sign = s.charCodeAt(j) === 45 ? -1 : 1;
    if (s.charCodeAt(j) === 45 || s.charCodeAt(j) === 43) j++;
    const e0 = j;
    for (; j < end && j - e0 < 4; j++) {
      const d = s.charCodeAt(j) - 48;
      if (d < 0 || d > 9) break;
      exp = exp * 10 + d;
    }
    if (j === e0) return false;
    exp *= sign;
    i = j;
  }
  // Clinger's fast path: an exact integer mantissa (< 2^53) scaled by one exact power of ten is correctly rounded.
  const e10 = exp - frac;
  if (i === end && digits > 0 && digits <= 15 && e10 >= -22 && e10 <= 22) {
    const v = e10 === 0 ? mant : e10 < 0 ? mant / POW10[-e10]! : mant * POW10[e10]!;
    parsedNumber[0] = neg ? -v : v;
    return true;
  }
  const slow = slowNumber(s.slice(start, end));
  if (slow === undefined) return false;
  parsedNumber[0] = slow;
  return true;
}

function slowNumber(token: string): number | undefined {
  if (DECIMAL.test(token)) return Number(token);
  const m = SPECIAL.exec(token);
  if (!m) return undefined;
  if (m[2]!.toLowerCase() === 'nan') return m[1] === '' ? Number.NaN : undefined;
  return m[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
}
