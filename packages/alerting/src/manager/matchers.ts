import { type LabelMatcher, labelMatcher } from '@argus/core';
import { checkGoRegex } from './am-values.js';

// pkg/labels/parse.go of Alertmanager 0.25: the name may hold colons, the value may be unquoted
const ONE = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*([\s\S]*?)\s*$/;

/** One matcher as Alertmanager 0.25 parses it (`ParseMatcher`): unescapes `\n`, `\"`, `\\`; errors name the text. */
export function parseAmMatcher(text: string): LabelMatcher {
  const m = ONE.exec(text);
  if (!m)
    throw new SyntaxError(
      `invalid matcher ${JSON.stringify(text)} (bad matcher format); write e.g. team="db" or severity=~"crit.*"`,
    );
  const [, name, op, raw0] = m as unknown as [string, string, '=' | '!=' | '=~' | '!~', string];
  let raw = raw0;
  let expectQuote = raw.startsWith('"');
  if (expectQuote) raw = raw.slice(1);
  const unclosed = (): SyntaxError =>
    new SyntaxError(
      `matcher value contains unescaped double quote: ${raw0}; close the quote or escape it as \\"`,
    );
  let value = '';
  let escaped = false;
  const chars = [...raw];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (escaped) {
      escaped = false;
      value += c === 'n' ? '\n' : c === '"' || c === '\\' ? c : `\\${c}`;
    } else if (c === '\\') {
      if (i < chars.length - 1) escaped = true;
      else value += '\\';
    } else if (c === '"') {
      if (!expectQuote || i < chars.length - 1) throw unclosed();
      expectQuote = false;
    } else value += c;
  }
  if (expectQuote) throw unclosed();
  if (op === '=~' || op === '!~') checkGoRegex(value);
  return labelMatcher(name, op, value);
}

/** A matchers line as Alertmanager 0.25's `ParseMatchers`: optional braces, split at commas outside quotes. */
export function parseAmMatchers(line: string): LabelMatcher[] {
  let s = line.startsWith('{') ? line.slice(1) : line;
  if (s.endsWith('}')) s = s.slice(0, -1);
  const tokens: string[] = [];
  let token = '';
  let quoted = false;
  let escaped = false;
  for (const c of s) {
    if (c === ',' && !quoted) {
      tokens.push(token);
      token = '';
      continue;
    }
    if (c === '"') {
      if (!escaped) quoted = !quoted;
      else escaped = false;
    } else if (c === '\\') escaped = !escaped;
    else escaped = false;
    token += c;
  }
  if (token.trim() !== '') tokens.push(token.trim());
  return tokens.map(parseAmMatcher);
}

/** Matchers from a list of matcher strings plus the deprecated `match` / `match_re` maps. */
export function amMatchers(
  list: readonly string[] | undefined,
  match?: Readonly<Record<string, string>>,
  matchRe?: Readonly<Record<string, string>>,
): LabelMatcher[] {
  const out = (list ?? []).flatMap(parseAmMatchers);
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
