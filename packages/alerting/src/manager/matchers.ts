import { type LabelMatcher, labelMatcher, parseMatchers } from '@argus/core';

const ONE = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$/s;

/**
 * Parses one Alertmanager matcher (`team="db"`, `severity=~"crit.*"`, or unquoted `team=db`) with the shared
 * PromQL matcher code; regexes are fully anchored, as in Alertmanager.
 */
export function parseAmMatcher(text: string): LabelMatcher {
  const m = ONE.exec(text);
  if (!m)
    throw new SyntaxError(
      `invalid matcher ${JSON.stringify(text)}; write e.g. team="db" or severity=~"crit.*"`,
    );
  const [, name, op, raw] = m;
  const quoted = /^(["'`]).*\1$/s.test(raw!) ? raw! : JSON.stringify(raw);
  const parsed = parseMatchers(`{${name}${op}${quoted}}`);
  return parsed[0]!;
}

/** Matchers from a list of matcher strings plus the deprecated `match` / `match_re` maps. */
export function amMatchers(
  list: readonly string[] | undefined,
  match?: Readonly<Record<string, string>>,
  matchRe?: Readonly<Record<string, string>>,
): LabelMatcher[] {
  const out = (list ?? []).map(parseAmMatcher);
  for (const [k, v] of Object.entries(match ?? {})) out.push(labelMatcher(k, '=', v));
  for (const [k, v] of Object.entries(matchRe ?? {})) out.push(labelMatcher(k, '=~', v));
  return out;
}

/** Go's `%q` for the strings Alertmanager prints in group keys (printable ASCII and common escapes). */
export function goQuote(s: string): string {
  return JSON.stringify(s).replace(
    /[\u007f-\u009f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Alertmanager's `Matchers.String()`: sorted by name, value, then operator; `{a="1",b=~"x"}`. */
export function matchersString(ms: readonly LabelMatcher[]): string {
  const opRank = { '=': 0, '!=': 1, '=~': 2, '!~': 3 } as const;
  const sorted = [...ms].sort((a, b) =>
    a.name !== b.name
      ? a.name < b.name
        ? -1
        : 1
      : a.value !== b.value
        ? a.value < b.value
          ? -1
          : 1
        : opRank[a.op] - opRank[b.op],
  );
  return `{${sorted.map((m) => `${m.name}${m.op}${goQuote(m.value)}`).join(',')}}`;
}
