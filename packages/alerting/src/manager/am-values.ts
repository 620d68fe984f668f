import { labelMatcher } from '@argus/core';

// Value checks of Alertmanager 0.25's config types (config/config.go, prometheus/common v0.38), each throwing an
// Error whose message says what is wrong with the value.

/** RE2 constructs JavaScript accepts and Go's regexp rejects (Go 1.19/1.20, which built amtool 0.25). */
const NOT_RE2 = /\(\?(?:=|!|<=|<!|<[A-Za-z])|\\[1-9]|\\k<|[*+?}]\+/;

/** Compiles `source` as Alertmanager does (`^(?:source)$`, Go RE2); throws when Go would refuse it. */
export function checkGoRegex(source: string): void {
  const bad = NOT_RE2.exec(source);
  if (bad)
    throw new SyntaxError(
      `invalid regular expression ${JSON.stringify(source)}: ${bad[0]} is not RE2 syntax`,
    );
  labelMatcher('x', '=~', source);
}

// Go's net/url accepts these in a host (encodeHost), besides letters and digits
const HOST = /^[A-Za-z0-9\-_.~!$&'()*+,;=:[\]<>"%]*$/;

/** Go `url.Parse` followed by Alertmanager's `parseURL`: http or https, with a host. */
export function checkAmUrl(s: string, requireHttp = true): void {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):(.*)$/s.exec(s);
  const scheme = m ? m[1]!.toLowerCase() : '';
  const rest = m ? m[2]! : s;
  if ([...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f))
    throw new Error(`invalid control character in URL ${JSON.stringify(s)}`);
  let host = '';
  if (rest.startsWith('//')) {
    const authority = rest.slice(2).split(/[/?#]/, 1)[0]!;
    host = authority.slice(authority.lastIndexOf('@') + 1);
    if (!HOST.test(host)) throw new Error(`invalid character in host name of URL ${JSON.stringify(s)}`);
    const port = /^(?:\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(host)?.[1];
    if (port !== undefined && !/^\d*$/.test(port))
      throw new Error(`invalid port ":${port}" after host in URL ${JSON.stringify(s)}`);
  } else if (!m && /^[^/?#]*:/.test(s)) {
    throw new Error(`first path segment in URL cannot contain colon: ${JSON.stringify(s)}`);
  }
  if (!requireHttp) return;
  if (scheme !== 'http' && scheme !== 'https')
    throw new Error(`unsupported scheme "${scheme}" for URL; use http:// or https://`);
  if (host === '') throw new Error(`missing host for URL ${JSON.stringify(s)}`);
}

/** Go `net.SplitHostPort` as Alertmanager's `HostPort` uses it: `host:port`, IPv6 in brackets, a port required. */
export function checkHostPort(s: string): void {
  if (s === '') return;
  let port: string;
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end < 0) throw new Error(`address ${s}: missing ']' in address`);
    if (s[end + 1] !== ':') throw new Error(`address ${s}: missing port in address`);
    port = s.slice(end + 2);
  } else {
    const i = s.lastIndexOf(':');
    if (i < 0)
      throw new Error(`address ${s}: missing port in address; write host:port, e.g. smtp.example.org:587`);
    if (s.slice(0, i).includes(':')) throw new Error(`address ${s}: too many colons in address`);
    port = s.slice(i + 1);
  }
  if (port === '') throw new Error(`address "${s}": port cannot be empty`);
}

const PROM_DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** prometheus/common `model.ParseDuration`: units in decreasing order, each at most once, `0` alone allowed. */
export function promDurationMs(s: string): number {
  if (s === '0') return 0;
  if (s === '') throw new Error('empty duration string');
  const m = PROM_DURATION.exec(s);
  if (!m) throw new Error(`not a valid duration string: "${s}"; write e.g. 30s, 5m, 1h30m`);
  const mult = [31_536_000_000, 604_800_000, 86_400_000, 3_600_000, 60_000, 1000, 1];
  return mult.reduce((sum, k, i) => sum + Number(m[i + 1] ?? 0) * k, 0);
}

/** Go `time.ParseDuration` (Pushover's retry and expire): `1h2m3.5s`, `300ms`, a sign, `0`. */
export function checkGoDuration(s: string): void {
  if (!/^[-+]?(?:0|(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.test(s) || /^[-+]?$/.test(s))
    throw new Error(`time: invalid duration "${s}"`);
}

/** Prometheus label names (`model.LabelNameRE`). */
export const LABEL_NAME: RegExp = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
