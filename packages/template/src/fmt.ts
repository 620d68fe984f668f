// Go's fmt package as templates reach it: Sprint (print, {{ . }}), Sprintln (println) and Sprintf (printf).
import { formatFloat } from './float.js';
import { GoMap, isPlainObject, mapEntries, typeName } from './values.js';

/** A value with Go's `String() string` method (a fmt.Stringer), such as GoTime. */
interface Stringer {
  String(): string;
}

function isStringer(v: unknown): v is Stringer {
  return typeof v === 'object' && v !== null && typeof (v as Stringer).String === 'function';
}

/** `%v` of a value, as fmt prints it. */
export function formatV(v: unknown, plus = false): string {
  if (v === undefined || v === null) return '<nil>';
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      return formatFloat(v, 'g', -1);
    case 'bigint':
    case 'boolean':
      return String(v);
    case 'function':
      return '0x1';
  }
  if (isStringer(v)) return v.String();
  if (Array.isArray(v)) return `[${v.map((e) => formatV(e, plus)).join(' ')}]`;
  const entries = mapEntries(v);
  if (entries) return `map[${entries.map(([k, e]) => `${k}:${formatV(e, plus)}`).join(' ')}]`;
  // a struct: &{field values} (Go prints pointers to structs this way)
  const fields = Object.entries(v as object).filter(([, f]) => typeof f !== 'function');
  return `&{${fields.map(([k, f]) => (plus ? `${k}:` : '') + formatV(f, plus)).join(' ')}}`;
}

/** Go's fmt.Sprint: operands joined, with a space between two operands when neither is a string. */
export function sprint(args: readonly unknown[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += formatV(a);
  });
  return out;
}

/** Go's fmt.Sprintln: operands separated by spaces, then a newline. */
export function sprintln(args: readonly unknown[]): string {
  return `${args.map((a) => formatV(a)).join(' ')}\n`;
}

interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width?: number;
  prec?: number;
}

function pad(s: string, spec: Spec, numeric: boolean): string {
  if (spec.width === undefined || s.length >= spec.width) return s;
  const n = spec.width - s.length;
  if (spec.minus) return s + ' '.repeat(n);
  if (spec.zero && numeric && !/Inf|NaN/.test(s)) {
    const sign = /^[+\- ]/.test(s) ? s[0]! : '';
    return sign + '0'.repeat(n) + s.slice(sign.length);
  }
  return ' '.repeat(n) + s;
}

function withSign(s: string, spec: Spec): string {
  if (s.startsWith('-')) return s;
  if (spec.plus) return `+${s}`;
  if (spec.space) return ` ${s}`;
  return s;
}

const quoteEscapes: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '\\': '\\\\',
  '"': '\\"',
};

/** Go's strconv.Quote. */
export function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (quoteEscapes[ch]) out += quoteEscapes[ch];
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (/[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Zl}\p{Zp}]/u.test(ch) || (/\p{Zs}/u.test(ch) && c !== 0x20))
      out += c > 0xffff ? `\\U${c.toString(16).padStart(8, '0')}` : `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function bad(verb: string, v: unknown): string {
  if (v === undefined || v === null) return `%!${verb}(<nil>)`;
  return `%!${verb}(${typeName(v)}=${formatV(v)})`;
}

function formatInt(v: bigint, verb: string, spec: Spec): string | undefined {
  const neg = v < 0n;
  const abs = neg ? -v : v;
  let s: string;
  switch (verb) {
    case 'd':
    case 'v':
      s = abs.toString();
      break;
    case 'x':
      s = (spec.sharp ? '0x' : '') + abs.toString(16);
      break;
    case 'X':
      s = (spec.sharp ? '0X' : '') + abs.toString(16).toUpperCase();
      break;
    case 'o':
      s = (spec.sharp ? '0' : '') + abs.toString(8);
      break;
    case 'b':
      s = abs.toString(2);
      break;
    case 'c':
      return String.fromCodePoint(Number(v));
    case 'q':
      return `'${String.fromCodePoint(Number(v))}'`;
    case 'U':
      return `U+${abs.toString(16).toUpperCase().padStart(4, '0')}`;
    default:
      return undefined;
  }
  if (spec.prec !== undefined) s = s.padStart(spec.prec, '0');
  return withSign((neg ? '-' : '') + s, spec);
}

function formatFloatVerb(v: number, verb: string, spec: Spec): string | undefined {
  let s: string;
  switch (verb) {
    case 'v':
    case 'g':
    case 'G':
      s = formatFloat(v, verb === 'G' ? 'G' : 'g', spec.prec ?? -1);
      break;
    case 'e':
    case 'E':
      s = formatFloat(v, verb, spec.prec ?? 6);
      break;
    case 'f':
    case 'F':
      s = formatFloat(v, 'f', spec.prec ?? 6);
      break;
    default:
      return undefined;
  }
  return withSign(s, spec);
}

function hexString(s: string, upper: boolean, spec: Spec): string {
  const bytes = [...Buffer.from(s, 'utf8')].map((b) => b.toString(16).padStart(2, '0'));
  const out = spec.space
    ? bytes.map((b) => (spec.sharp ? `0x${b}` : b)).join(' ')
    : (spec.sharp ? '0x' : '') + bytes.join('');
  return upper ? out.toUpperCase() : out;
}

function formatOne(verb: string, v: unknown, spec: Spec): string {
  if (verb === 'T') return pad(typeName(v), spec, false);
  if (verb === 'v' && (v === undefined || v === null)) return pad('<nil>', spec, false);
  if (typeof v === 'bigint') {
    const s = formatInt(v, verb, spec);
    return s === undefined ? bad(verb, v) : pad(s, spec, true);
  }
  if (typeof v === 'number') {
    const s = formatFloatVerb(v, verb, spec);
    return s === undefined ? bad(verb, v) : pad(s, spec, true);
  }
  if (typeof v === 'boolean')
    return verb === 't' || verb === 'v' ? pad(String(v), spec, false) : bad(verb, v);
  if (typeof v === 'string' || isStringer(v)) {
    let s = typeof v === 'string' ? v : v.String();
    switch (verb) {
      case 'v':
      case 's':
        if (spec.prec !== undefined) s = [...s].slice(0, spec.prec).join('');
        return pad(s, spec, false);
      case 'q':
        return pad(quote(s), spec, false);
      case 'x':
      case 'X':
        return pad(hexString(s, verb === 'X', spec), spec, false);
      default:
        return bad(verb, v);
    }
  }
  if (Array.isArray(v) && verb !== 'v')
    return `[${v.map((e) => formatOne(verb, e, { ...spec, width: undefined })).join(' ')}]`;
  const entries = verb === 'v' ? undefined : mapEntries(v);
  if (entries) {
    const one = (x: unknown) => formatOne(verb, x, { ...spec, width: undefined });
    return `map[${entries.map(([k, e]) => `${one(k)}:${one(e)}`).join(' ')}]`;
  }
  if (v instanceof GoMap || isPlainObject(v) || Array.isArray(v) || verb === 'v')
    return pad(formatV(v, spec.plus), spec, false);
  return bad(verb, v);
}

/** Go's fmt.Sprintf, with its flags (`+-# 0`), widths, precisions (also `*`) and its `%!` error strings. */
export function sprintf(format: string, args: readonly unknown[]): string {
  let out = '';
  let argi = 0;
  let i = 0;
  let reordered = false;
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const spec: Spec = { minus: false, plus: false, sharp: false, space: false, zero: false };
    // explicit argument indexes: %[2]d
    const argIndex = (): void => {
      const m = /^\[(\d+)\]/.exec(format.slice(i));
      if (m) {
        argi = Number(m[1]) - 1;
        i += m[0].length;
        reordered = true;
      }
    };
    for (; i < format.length; i++) {
      const c = format[i];
      if (c === '-') spec.minus = true;
      else if (c === '+') spec.plus = true;
      else if (c === '#') spec.sharp = true;
      else if (c === ' ') spec.space = true;
      else if (c === '0') spec.zero = !spec.minus;
      else break;
    }
    const num = (): number | undefined => {
      if (format[i] === '*') {
        i++;
        const a = args[argi++];
        return typeof a === 'bigint' ? Number(a) : undefined;
      }
      const m = /^\d+/.exec(format.slice(i));
      if (!m) return undefined;
      i += m[0].length;
      return Number(m[0]);
    };
    argIndex();
    spec.width = num();
    if (spec.width !== undefined && spec.width < 0) {
      spec.minus = true;
      spec.width = -spec.width;
    }
    if (format[i] === '.') {
      i++;
      argIndex();
      spec.prec = num() ?? 0;
    }
    argIndex();
    if (i >= format.length) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (argi >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    out += formatOne(verb, args[argi++], spec);
  }
  if (!reordered && argi < args.length) {
    const extra = args
      .slice(argi)
      .map((a) => (a === null || a === undefined ? '<nil>' : `${typeName(a)}=${formatV(a)}`));
    out += `%!(EXTRA ${extra.join(', ')})`;
  }
  return out;
}
