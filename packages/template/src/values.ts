// The Go-like values a template works on, as JavaScript values:
//   string → string, float64 → number, int → bigint, bool → boolean, nil → null,
//   slice → array, map[string]T → GoMap (or a plain object, read as map[string]interface{}),
//   struct → an object of a class (fields and methods are its properties), time.Time → GoTime.
// `undefined` is Go's invalid reflect.Value: what a missing map key gives, printed as `<no value>`.

/** Go's type name for a value, where it differs from the default (e.g. `template.queryResult`). */
export const GO_TYPE: unique symbol = Symbol.for('argus.template.goType');

/** A Go map with string keys; `zero` is what a missing key gives under `missingkey=zero`. */
export class GoMap<T = unknown> {
  readonly entries: ReadonlyMap<string, T>;
  constructor(
    entries: ReadonlyMap<string, T> | Readonly<Record<string, T>>,
    readonly zero: T | undefined = undefined,
    readonly typeName: string = zero === '' ? 'map[string]string' : 'map[string]interface {}',
  ) {
    this.entries = entries instanceof Map ? entries : new Map(Object.entries(entries));
  }
}

/** A `map[string]string` such as Prometheus's `.Labels`: a missing key is `""` under `missingkey=zero`. */
export function stringMap(
  record: Readonly<Record<string, string>> | ReadonlyMap<string, string>,
): GoMap<string> {
  return new GoMap<string>(record, '');
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Go's type name of a value, as `%T` and error messages print it. */
export function typeName(v: unknown): string {
  if (v === undefined || v === null) return '<nil>';
  if (typeof v === 'object' && GO_TYPE in v) return String((v as Record<symbol, unknown>)[GO_TYPE]);
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
      return 'float64';
    case 'bigint':
      return 'int';
    case 'boolean':
      return 'bool';
    case 'function':
      return 'func';
  }
  if (Array.isArray(v)) return '[]interface {}';
  if (v instanceof GoMap) return v.typeName;
  if (isPlainObject(v)) return 'map[string]interface {}';
  const name = (v as object).constructor?.name;
  return name ? `*template.${name}` : 'struct';
}

/** Go's truth of a value for if/with/and/or/not: false, 0, nil, and empty strings, slices and maps are false. */
export function isTrue(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  switch (typeof v) {
    case 'boolean':
      return v;
    case 'string':
      return v.length > 0;
    case 'number':
      return v !== 0;
    case 'bigint':
      return v !== 0n;
  }
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof GoMap) return v.entries.size > 0;
  if (isPlainObject(v)) return Object.keys(v).length > 0;
  return true;
}

/** The keys of a map value, sorted as Go's fmt and range sort them; undefined when `v` is not a map. */
export function mapEntries(v: unknown): [string, unknown][] | undefined {
  let entries: [string, unknown][];
  if (v instanceof GoMap) entries = [...v.entries];
  else if (isPlainObject(v)) entries = Object.entries(v);
  else return undefined;
  return entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** An error raised by a template function; the executor wraps it as `error calling NAME: …`. */
export class TemplateFuncError extends Error {}
