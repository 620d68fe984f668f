// Prints an expression as Prometheus 2.42 prints a parsed one (promql/parser/printer.go, String()): the text
// /api/v1/rules shows as a rule's `query`, which is the parsed expression, not the text as written (`sum(x) by
// (job)` comes back as `sum by (job) (x)`, `1000000` as `1e+06`, `x{a="b",__name__="x"}` as `x{a="b"}`).
import { formatFloat } from '../engine/format.js';
import type { AtModifier, Binary, Expr, Matcher, VectorSelector } from './ast.js';

/** The text Prometheus 2.42 prints for `e`. */
export function formatExpr(e: Expr): string {
  switch (e.type) {
    case 'number':
      return goFloat(e.value);
    case 'string':
      return goQuote(e.value);
    case 'paren':
      return `(${formatExpr(e.expr)})`;
    case 'vector':
      return selector(e) + modifiers(e.at, e.offsetMs);
    case 'matrix':
      return `${selector(e.vector)}[${formatDuration(e.rangeMs)}]${modifiers(e.vector.at, e.vector.offsetMs)}`;
    case 'subquery': {
      const step = e.stepMs ? formatDuration(e.stepMs) : '';
      return `${formatExpr(e.expr)}[${formatDuration(e.rangeMs)}:${step}]${modifiers(e.at, e.offsetMs)}`;
    }
    case 'unary': {
      // Prometheus's parser folds a sign into a number literal (`-1` is a literal, `- -1` is `1`).
      const folded = foldSign(e);
      if (folded !== undefined) return goFloat(folded);
      return `${e.op}${formatExpr(e.expr)}`;
    }
    case 'call':
      return `${e.func}(${e.args.map(formatExpr).join(', ')})`;
    case 'aggregate': {
      let op = e.op;
      if (e.without) op += ` without (${e.grouping.join(', ')}) `;
      else if (e.grouping.length > 0) op += ` by (${e.grouping.join(', ')}) `;
      const param = e.param ? `${formatExpr(e.param)}, ` : '';
      return `${op}(${param}${formatExpr(e.expr)})`;
    }
    case 'binary':
      return `${formatExpr(e.lhs)} ${e.op}${e.bool ? ' bool' : ''}${matching(e)} ${formatExpr(e.rhs)}`;
  }
}

/** The value of a unary sign over a number literal, as the parser folds it; undefined for anything else. */
function foldSign(e: Expr): number | undefined {
  if (e.type === 'number') return e.value;
  if (e.type !== 'unary') return undefined;
  const v = foldSign(e.expr);
  return v === undefined ? undefined : e.op === '-' ? -v : v;
}

function matching(e: Binary): string {
  const m = e.matching;
  // As 2.42: nothing is printed for `ignoring ()`, even with a group modifier after it.
  if (!m || !(m.on || m.labels.length > 0)) return '';
  let s = ` ${m.on ? 'on' : 'ignoring'} (${m.labels.join(', ')})`;
  if (m.card === 'many-to-one' || m.card === 'one-to-many')
    s += ` group_${m.card === 'many-to-one' ? 'left' : 'right'} (${m.include.join(', ')})`;
  return s;
}

/** The name, and the matchers other than the name's own in sorted order: `x{a="b",c=~"d"}`. */
function selector(e: VectorSelector): string {
  const name = e.name ?? '';
  const ms = e.matchers
    .filter((m) => !(m.name === '__name__' && m.op === '=' && m.value === e.name))
    .map(matcherText)
    .sort();
  return ms.length === 0 ? name : `${name}{${ms.join(',')}}`;
}

const matcherText = (m: Matcher): string => `${m.name}${m.op}${goQuote(m.value)}`;

function modifiers(at: AtModifier | undefined, offsetMs: number): string {
  let s = '';
  if (at?.kind === 'time') s += ` @ ${(at.ms / 1000).toFixed(3)}`;
  else if (at) s += ` @ ${at.kind}()`;
  if (offsetMs > 0) s += ` offset ${formatDuration(offsetMs)}`;
  else if (offsetMs < 0) s += ` offset -${formatDuration(-offsetMs)}`;
  return s;
}

const DURATION_UNITS: readonly [string, number, boolean][] = [
  ['y', 365 * 86_400_000, true],
  ['w', 7 * 86_400_000, true],
  ['d', 86_400_000, false],
  ['h', 3_600_000, false],
  ['m', 60_000, false],
  ['s', 1000, false],
  ['ms', 1, false],
];

/** Prometheus's model.Duration String(): `1h30m`, `90d` (years and weeks only when exact), `0s`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = Math.trunc(ms);
  let out = '';
  for (const [unit, mult, exact] of DURATION_UNITS) {
    if (exact && rest % mult !== 0) continue;
    const v = Math.trunc(rest / mult);
    if (v > 0) {
      out += `${v}${unit}`;
      rest -= v * mult;
    }
  }
  return out;
}

/** Go's fmt.Sprint of a float64 (strconv 'g', shortest): `1e+06`, `123456`, `0.0001`, `1e-05`, `+Inf`. */
export function goFloat(v: number): string {
  if (!Number.isFinite(v) || v === 0) return formatFloat(v);
  const [mant, e] = v.toExponential().split('e') as [string, string];
  const exp = Number(e);
  if (exp < -4 || exp >= 6) return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return formatFloat(v);
}

/** Go's strconv.Quote (`%q`): printable characters as they are, the rest escaped as Go escapes them. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (PRINTABLE.test(ch)) out += ch;
    else if (GO_ESCAPES[ch]) out += GO_ESCAPES[ch];
    else if (c < 0x80) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c < 0x10000) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += `\\U${c.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

// Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const GO_ESCAPES: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
};
