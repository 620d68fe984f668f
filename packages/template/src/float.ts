// Go's strconv.FormatFloat for the 'e', 'f' and 'g' formats. Rounding is done on the exact decimal value of
// the double, half to even, as Go does (JavaScript's toFixed rounds exact ties up: 2.5 → "3" where Go prints "2").

interface Digits {
  d: string; // significant digits, no leading or trailing zeros ("" for zero)
  dp: number; // decimal point position: value = 0.d × 10^dp
}

/** The exact decimal expansion of a positive finite double. */
function exact(v: number): Digits {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e2: number;
  if (biased === 0) e2 = -1074;
  else {
    mant |= 1n << 52n;
    e2 = biased - 1075;
  }
  let digits: string;
  let dp: number;
  if (e2 >= 0) {
    digits = (mant << BigInt(e2)).toString();
    dp = digits.length;
  } else {
    digits = (mant * 5n ** BigInt(-e2)).toString();
    dp = digits.length + e2;
  }
  return trim({ d: digits, dp });
}

function trim(x: Digits): Digits {
  let d = x.d.replace(/0+$/, '');
  let dp = x.dp;
  const lead = d.length - d.replace(/^0+/, '').length;
  d = d.slice(lead);
  dp -= lead;
  return d === '' ? { d: '', dp: 0 } : { d, dp };
}

/** The shortest digits that read back as `v` (what Go's precision -1 uses; JavaScript picks the same). */
function shortest(v: number): Digits {
  const [m, e] = v.toExponential().split('e');
  return trim({ d: m!.replace('.', ''), dp: Number(e) + 1 });
}

/** Rounds to `nd` significant digits, half to even on the exact value. */
function round(x: Digits, nd: number): Digits {
  if (nd < 0) return { d: '', dp: 0 };
  if (nd >= x.d.length) return x;
  const next = x.d.charCodeAt(nd) - 48;
  let up = next > 5;
  if (next === 5) {
    if (nd + 1 < x.d.length) up = true;
    else up = nd > 0 && (x.d.charCodeAt(nd - 1) - 48) % 2 === 1;
  }
  if (!up) return trim({ d: x.d.slice(0, nd), dp: x.dp });
  const kept = x.d.slice(0, nd).split('').map(Number);
  let i = nd - 1;
  while (i >= 0 && kept[i] === 9) i--;
  if (i < 0) return { d: '1', dp: x.dp + 1 };
  kept[i]!++;
  return trim({ d: kept.slice(0, i + 1).join(''), dp: x.dp });
}

function digitAt(x: Digits, i: number): string {
  return i >= 0 && i < x.d.length ? x.d[i]! : '0';
}

function fmtE(x: Digits, prec: number, e: string): string {
  let s = x.d === '' ? '0' : x.d[0]!;
  if (prec > 0) {
    s += '.';
    for (let i = 1; i <= prec; i++) s += digitAt(x, i);
  }
  const exp = x.d === '' ? 0 : x.dp - 1;
  const abs = Math.abs(exp);
  return `${s}${e}${exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
}

function fmtF(x: Digits, prec: number): string {
  let s = '';
  if (x.dp > 0) for (let i = 0; i < x.dp; i++) s += digitAt(x, i);
  else s = '0';
  if (prec > 0) {
    s += '.';
    for (let i = 1; i <= prec; i++) s += digitAt(x, x.dp + i - 1);
  }
  return s;
}

/**
 * Go's `strconv.FormatFloat(v, fmt, prec, 64)` for fmt 'e', 'E', 'f', 'g', 'G' (prec -1: shortest).
 * Infinities print as `+Inf`/`-Inf` and NaN as `NaN`, as Go's fmt does.
 */
export function formatFloat(v: number, fmt: 'e' | 'E' | 'f' | 'g' | 'G', prec: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  const neg = v < 0 || Object.is(v, -0);
  const abs = Math.abs(v);
  const sign = neg ? '-' : '';
  const isShortest = prec < 0;
  let digs: Digits;
  if (abs === 0) digs = { d: '', dp: 0 };
  else if (isShortest) digs = shortest(abs);
  else {
    const ex = exact(abs);
    if (fmt === 'e' || fmt === 'E') digs = round(ex, prec + 1);
    else if (fmt === 'f') digs = round(ex, ex.dp + prec);
    else digs = round(ex, prec === 0 ? 1 : prec);
  }
  const nd = digs.d.length;
  if (fmt === 'e' || fmt === 'E') return sign + fmtE(digs, isShortest ? Math.max(nd - 1, 0) : prec, fmt);
  if (fmt === 'f') return sign + fmtF(digs, isShortest ? Math.max(nd - digs.dp, 0) : prec);
  // %g: %e when the exponent is < -4 or >= the precision (6 when shortest)
  let p = isShortest ? nd : prec === 0 ? 1 : prec;
  let eprec = p;
  if (eprec > nd && nd >= digs.dp) eprec = nd;
  if (isShortest) eprec = 6;
  const exp = digs.dp - 1;
  if (nd > 0 && (exp < -4 || exp >= eprec)) {
    if (p > nd) p = nd;
    return sign + fmtE(digs, p - 1, fmt === 'g' ? 'e' : 'E');
  }
  if (p > digs.dp) p = nd;
  return sign + fmtF(digs, Math.max(p - digs.dp, 0));
}
