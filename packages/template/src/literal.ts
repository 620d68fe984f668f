// Go literals in templates: strings ("…" with Go's escapes, `raw`), character constants and numbers.

const SIMPLE: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
  "'": "'",
};

/** Go's strconv.Unquote for "…", `…` and '…'; undefined when the literal is malformed. */
export function unquote(lit: string): string | undefined {
  const q = lit[0];
  if (q === '`') return lit.slice(1, -1).replace(/\r/g, '');
  if ((q !== '"' && q !== "'") || lit.length < 2 || lit[lit.length - 1] !== q) return undefined;
  const body = lit.slice(1, -1);
  let out = '';
  for (let k = 0; k < body.length; k++) {
    const c = body[k]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++k];
    if (e === undefined) return undefined;
    if (e in SIMPLE) {
      if ((e === "'" && q === '"') || (e === '"' && q === "'")) return undefined;
      out += SIMPLE[e];
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(k + 1, k + 1 + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) return undefined;
      const cp = Number.parseInt(hex, 16);
      // \x is a byte: values ≥ 0x80 are raw bytes in Go; here they become the code point of the same number
      out += String.fromCodePoint(cp);
      k += n;
    } else if (/[0-7]/.test(e)) {
      const oct = body.slice(k, k + 3);
      if (!/^[0-7]{3}$/.test(oct)) return undefined;
      out += String.fromCharCode(Number.parseInt(oct, 8));
      k += 2;
    } else return undefined;
  }
  if (q === "'" && [...out].length !== 1) return undefined;
  return out;
}

/**
 * A number as Go's template parser reads it: an integer constant becomes an int (a bigint here), one with a
 * decimal point or an exponent a float64; a character constant is its code point. Returns Go's message when bad.
 */
export function parseNumber(text: string): bigint | number | string {
  if (text.startsWith("'")) {
    const s = unquote(text);
    if (s === undefined) return `malformed character constant: ${text}`;
    return BigInt(s.codePointAt(0)!);
  }
  if (text.endsWith('i')) return `complex numbers are not supported: ${text}`;
  const clean = text.replace(/_/g, '');
  const neg = clean.startsWith('-');
  const body = clean.replace(/^[+-]/, '');
  const isHex = /^0[xX]/.test(body);
  const isFloat = isHex ? /[.pP]/.test(body) : /[.eE]/.test(body);
  if (!isFloat) {
    let v: bigint;
    if (/^0[xX][0-9a-fA-F]+$/.test(body) || /^0[bB][01]+$/.test(body) || /^0[oO][0-7]+$/.test(body))
      v = BigInt(body.toLowerCase().replace(/^0o/, '0o'));
    else if (/^0[0-7]+$/.test(body)) v = BigInt(`0o${body.slice(1)}`);
    else if (/^\d+$/.test(body)) v = BigInt(body);
    else return `illegal number syntax: "${text}"`;
    return neg ? -v : v;
  }
  const v = isHex ? hexFloat(body) : Number(body);
  if (Number.isNaN(v)) return `illegal number syntax: "${text}"`;
  return neg ? -v : v;
}

function hexFloat(body: string): number {
  const m = /^0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/.exec(body);
  if (!m) return Number.NaN;
  const frac = m[2] ?? '';
  const mant = Number.parseInt((m[1] || '0') + frac, 16);
  return mant * 2 ** (Number(m[3]) - 4 * frac.length);
}
