// Template functions: the types a function declares for its parameters (so calls are checked as Go checks
// them), and Go's builtin functions.
import { formatV, sprint, sprintf, sprintln } from './fmt.js';
import { GoMap, isPlainObject, isTrue, typeName } from './values.js';

/** Go parameter types a function can declare: values are converted or refused with Go's messages. */
export type ParamType = 'any' | 'string' | 'float64' | 'int' | 'bool';

/** A template function: a plain function; `params`/`variadic` make calls checked as Go checks them. */
export type TemplateFunc = ((...args: never[]) => unknown) & {
  params?: readonly ParamType[];
  variadic?: ParamType;
};

/** The functions a template can call, by name (Go's template.FuncMap). */
export type FuncMap = Readonly<Record<string, TemplateFunc>>;

/** Declares a function's Go parameter types; calls with the wrong number or type of arguments fail as in Go. */
export function goFunc<F extends (...args: never[]) => unknown>(
  params: readonly ParamType[],
  fn: F,
  variadic?: ParamType,
): F & { params: readonly ParamType[]; variadic?: ParamType } {
  return Object.assign(fn, { params, variadic });
}

function basicKind(v: unknown): 'bool' | 'int' | 'float' | 'string' | 'invalid' | 'other' {
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'int';
    case 'number':
      return 'float';
    case 'string':
      return 'string';
    case 'undefined':
      return 'invalid';
  }
  return v === null ? 'invalid' : 'other';
}

function eq(a: unknown, ...bs: unknown[]): boolean {
  if (bs.length === 0) throw new Error('missing argument for comparison');
  const k1 = basicKind(a);
  for (const b of bs) {
    const k2 = basicKind(b);
    if (k1 !== k2) {
      if (k1 !== 'invalid' && k2 !== 'invalid') throw new Error('incompatible types for comparison');
      continue;
    }
    if (k1 === 'invalid') return true;
    if (
      k1 === 'other' &&
      (Array.isArray(a) || a instanceof GoMap || isPlainObject(a) || typeof a === 'function')
    )
      throw new Error(`non-comparable type ${formatV(a)}: ${typeName(a)}`);
    if (a === b) return true;
  }
  return false;
}

function lt(a: unknown, b: unknown): boolean {
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (
    k1 === 'bool' ||
    k1 === 'invalid' ||
    k1 === 'other' ||
    k2 === 'bool' ||
    k2 === 'invalid' ||
    k2 === 'other'
  )
    throw new Error('invalid type for comparison');
  if (k1 !== k2) throw new Error('incompatible types for comparison');
  return (a as number) < (b as number);
}

function toIndex(v: unknown, what: string): number {
  if (typeof v !== 'bigint') throw new Error(`cannot index ${what} with type ${typeName(v)}`);
  return Number(v);
}

function index(item: unknown, ...keys: unknown[]): unknown {
  let v = item;
  for (const key of keys) {
    if (v === null || v === undefined) throw new Error('index of untyped nil');
    if (Array.isArray(v) || typeof v === 'string') {
      const i = toIndex(key, 'slice/array');
      const n = typeof v === 'string' ? Buffer.byteLength(v) : v.length;
      if (i < 0 || i >= n) throw new Error(`index out of range: ${i}`);
      // a nil element is Go's nil interface, which index returns as no value
      v = typeof v === 'string' ? BigInt(Buffer.from(v)[i]!) : (v[i] ?? undefined);
    } else if (v instanceof GoMap || isPlainObject(v)) {
      if (typeof key !== 'string') throw new Error(`value has type ${typeName(key)}; should be string`);
      if (v instanceof GoMap) v = v.entries.has(key) ? v.entries.get(key) : v.zero;
      else v = Object.hasOwn(v, key) ? (v[key] ?? undefined) : undefined;
    } else throw new Error(`can't index item of type ${typeName(v)}`);
  }
  return v;
}

function slice(item: unknown, ...idx: unknown[]): unknown {
  if (item === null || item === undefined) throw new Error('slice of untyped nil');
  if (idx.length > 3) throw new Error(`too many slice indexes: ${idx.length}`);
  const isStr = typeof item === 'string';
  if (!isStr && !Array.isArray(item)) throw new Error(`can't slice item of type ${typeName(item)}`);
  if (isStr && idx.length === 3) throw new Error('cannot 3-index slice a string');
  const bytes = isStr ? Buffer.from(item) : undefined;
  const len = bytes ? bytes.length : (item as unknown[]).length;
  const n = idx.map((k) => toIndex(k, 'slice/array'));
  const lo = n[0] ?? 0;
  const hi = n[1] ?? len;
  for (const x of n) if (x < 0 || x > len) throw new Error(`index out of range: ${x}`);
  if (lo > hi) throw new Error(`invalid slice index: ${lo} > ${hi}`);
  return bytes ? bytes.subarray(lo, hi).toString() : (item as unknown[]).slice(lo, hi);
}

function len(v: unknown): bigint {
  if (typeof v === 'string') return BigInt(Buffer.byteLength(v));
  if (Array.isArray(v)) return BigInt(v.length);
  if (v instanceof GoMap) return BigInt(v.entries.size);
  if (isPlainObject(v)) return BigInt(Object.keys(v).length);
  if (v === null || v === undefined) throw new Error('len of nil pointer');
  throw new Error(`len of type ${typeName(v)}`);
}

/** Go's evalArgs for html/js/urlquery: one string as is, anything else through fmt.Sprint. */
const argsText = (args: unknown[]): string =>
  args.length === 1 && typeof args[0] === 'string' ? args[0] : sprint(args);

/** Go's template.HTMLEscapeString. */
export function htmlEscape(s: string): string {
  return s.replace(/[\0"'&<>]/g, (c) =>
    c === '\0'
      ? '\uFFFD'
      : c === '"'
        ? '&#34;'
        : c === "'"
          ? '&#39;'
          : c === '&'
            ? '&amp;'
            : c === '<'
              ? '&lt;'
              : '&gt;',
  );
}

/** Go's template.JSEscapeString. */
export function jsEscape(s: string): string {
  let out = '';
  for (const c of s) {
    const code = c.charCodeAt(0);
    if (c === '\\' || c === "'" || c === '"') out += `\\${c}`;
    else if (
      '<>&='.includes(c) ||
      code < 0x20 ||
      (code >= 0x7f && code <= 0x9f) ||
      code === 0x2028 ||
      code === 0x2029
    )
      out += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += c;
  }
  return out;
}

/** Go's url.QueryEscape. */
export function queryEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

function call(fn: unknown, ...args: unknown[]): unknown {
  if (fn === null || fn === undefined) throw new Error('call of nil');
  if (typeof fn !== 'function') throw new Error(`non-function of type ${typeName(fn)}`);
  return (fn as (...a: unknown[]) => unknown)(...args);
}

const a = 'any' as const;

/** Go's builtin functions receive missing values as they are (Go passes them reflect.Values). */
export const RAW_ARGS: WeakSet<object> = new WeakSet();

/** Go's builtin template functions. `and`/`or` short-circuit in the executor; these bodies are not called. */
export const builtins: FuncMap = {
  and: goFunc([a], (x: unknown) => x, a),
  or: goFunc([a], (x: unknown) => x, a),
  not: goFunc([a], (x: unknown) => !isTrue(x)),
  eq: goFunc([a], eq, a),
  ne: goFunc([a, a], (x: unknown, y: unknown) => !eq(x, y)),
  lt: goFunc([a, a], lt),
  le: goFunc([a, a], (x: unknown, y: unknown) => lt(x, y) || eq(x, y)),
  gt: goFunc([a, a], (x: unknown, y: unknown) => !(lt(x, y) || eq(x, y))),
  ge: goFunc([a, a], (x: unknown, y: unknown) => !lt(x, y)),
  len: goFunc([a], len),
  index: goFunc([a], index, a),
  slice: goFunc([a], slice, a),
  print: goFunc([], (...xs: unknown[]) => sprint(xs), a),
  printf: goFunc(['string'], (f: string, ...xs: unknown[]) => sprintf(f, xs), a),
  println: goFunc([], (...xs: unknown[]) => sprintln(xs), a),
  html: goFunc([], (...xs: unknown[]) => htmlEscape(argsText(xs)), a),
  js: goFunc([], (...xs: unknown[]) => jsEscape(argsText(xs)), a),
  urlquery: goFunc([], (...xs: unknown[]) => queryEscape(argsText(xs)), a),
  call: goFunc([a], call, a),
};
for (const f of Object.values(builtins)) RAW_ARGS.add(f);
