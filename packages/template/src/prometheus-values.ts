// Values of Prometheus's template functions: query results, Go's number parsing, durations, hosts and regexps.
import { formatV } from './fmt.js';
import { GO_TYPE, type GoMap, stringMap, typeName } from './values.js';

/** One sample a query returns: its labels (with `__name__` when it has one) and its value. */
export interface QuerySample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Runs a PromQL instant query at `time`; may answer synchronously or with a Promise. */
export type QueryFn = (
  query: string,
  time: Date,
) => readonly QuerySample[] | PromiseLike<readonly QuerySample[]>;

/** Prometheus's `*template.sample`: `.Labels` and `.Value` in templates. */
export class Sample {
  static {
    Object.defineProperty(Sample.prototype, GO_TYPE, { value: '*template.sample' });
  }
  readonly Labels: GoMap<string>;
  readonly Value: number;
  constructor(s: QuerySample) {
    this.Labels = stringMap(s.labels);
    this.Value = s.value;
  }
}

/** A query result as templates see it (Go type `template.queryResult`). */
export function queryResult(samples: readonly Sample[]): Sample[] {
  const out = [...samples];
  Object.defineProperty(out, GO_TYPE, { value: 'template.queryResult' });
  return out;
}

/** Go's strconv.ParseFloat(s, 64), with its error text. */
export function parseGoFloat(s: string): number {
  const t = s.replace(/^[+-]/, '').toLowerCase();
  const neg = s.startsWith('-');
  if (t === 'inf' || t === 'infinity') return neg ? -Infinity : Infinity;
  if (t === 'nan' && s.length === 3) return Number.NaN;
  if (/^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) {
    const v = Number(t);
    if (!Number.isFinite(v))
      throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(s)}: value out of range`);
    return neg ? -v : v;
  }
  throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(s)}: invalid syntax`);
}

/** Prometheus's convertToFloat: float64, int and numeric strings are accepted. */
export function toFloat(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') return parseGoFloat(v);
  throw new Error(`can't convert ${typeName(v)} to float`);
}

/** Nanoseconds (truncated to milliseconds, as Prometheus's model.Time is) of a Unix time in seconds. */
export function floatToUnixNano(v: number): bigint | 'nan-or-inf' {
  if (!Number.isFinite(v)) return 'nan-or-inf';
  const ts = v * 1e9;
  if (ts > 2 ** 63 || ts < -(2 ** 63))
    throw new Error(
      `${formatV(v)} cannot be represented as a nanoseconds timestamp since it overflows int64`,
    );
  const ms = BigInt(Math.trunc(ts)) / 1_000_000n;
  return ms * 1_000_000n;
}

const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNIT_MS = [365 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1_000, 1];

/** Prometheus's model.ParseDuration (`1h2m10ms`, `90d`, `0`), in seconds. */
export function parseDuration(d: string): number {
  if (d === '0') return 0;
  const m = d === '' ? null : DURATION.exec(d);
  if (!m) throw new Error(`not a valid duration string: ${JSON.stringify(d)}`);
  let ms = 0;
  UNIT_MS.forEach((unit, k) => {
    if (m[k + 1] !== undefined) ms += Number(m[k + 1]) * unit;
  });
  return ms / 1000;
}

/** Go's net.SplitHostPort; undefined where Go returns an error. */
export function splitHostPort(hostPort: string): { host: string; port: string } | undefined {
  const i = hostPort.lastIndexOf(':');
  if (i < 0) return undefined;
  if (hostPort.startsWith('[')) {
    const end = hostPort.indexOf(']');
    if (end < 0 || end + 1 !== i) return undefined;
    const host = hostPort.slice(1, end);
    if (host.includes('[') || host.includes(']')) return undefined;
    return { host, port: hostPort.slice(i + 1) };
  }
  const host = hostPort.slice(0, i);
  if (host.includes(':') || host.includes('[') || host.includes(']')) return undefined;
  return { host, port: hostPort.slice(i + 1) };
}

/** Go's net.ParseIP succeeding (IPv4 dotted quad or an IPv6 address). */
export function isIP(s: string): boolean {
  if (/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(s))
    return s.split('.').every((p) => Number(p) <= 255);
  return s.includes(':') && /^[0-9a-fA-F:.]+$/.test(s) && !s.includes(':::');
}

/** A Go (RE2) regular expression as a JavaScript RegExp: `(?P<name>` groups and leading `(?flags)`. */
export function goRegExp(pattern: string, global = false): RegExp {
  let flags = global ? 'g' : '';
  let src = pattern.replace(/\(\?P</g, '(?<');
  const lead = /^\(\?([imsU]+)\)/.exec(src);
  if (lead) {
    for (const f of lead[1]!) if (f !== 'U' && !flags.includes(f)) flags += f;
    src = src.slice(lead[0].length);
  }
  try {
    return new RegExp(src, flags);
  } catch (e) {
    throw new Error(
      `regexp: Compile(${JSON.stringify(pattern)}): error parsing regexp: ${(e as Error).message}`,
    );
  }
}

/** Go's Regexp.ReplaceAllString: `$1`, `${1}`, `$name`, `${name}` (a name is as long as it can be), `$$`. */
export function reReplaceAll(pattern: string, repl: string, text: string): string {
  const re = goRegExp(pattern, true);
  return text.replace(re, (...args: unknown[]) => {
    const last = args[args.length - 1];
    const named = (typeof last === 'object' && last !== null ? last : {}) as Record<
      string,
      string | undefined
    >;
    const groups = args.slice(0, typeof last === 'object' && last !== null ? -3 : -2) as (
      | string
      | undefined
    )[];
    return repl.replace(
      /\$(?:\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g,
      (m, braced?: string, bare?: string) => {
        if (m === '$$') return '$';
        const name = braced ?? bare!;
        if (/^\d+$/.test(name)) return groups[Number(name)] ?? '';
        return named[name] ?? '';
      },
    );
  });
}

/** Go's strings.Title: the first letter of each word upper-cased (a word follows a non-letter, non-digit, not `_`). */
export function title(s: string): string {
  let prev = ' ';
  let out = '';
  for (const c of s) {
    out += isSeparator(prev) ? c.toUpperCase() : c;
    prev = c;
  }
  return out;
}

function isSeparator(c: string): boolean {
  if (c.charCodeAt(0) <= 0x7f) return !/[A-Za-z0-9_]/.test(c);
  if (/[\p{L}\p{N}]/u.test(c)) return false;
  return /\s/u.test(c);
}
