// Label matchers of PromQL selectors. @argus/core owns the label matchers of the rest of Argus; this engine keeps
// its own because 2.42 anchors regexes as `^(?:re)$` with `.` stopping at newlines, where core follows `(?s)`.
import type { Matcher } from './parser/ast.js';
import type { Labels } from './queryable.js';
import { re2ToJs } from './re2.js';

/** Builds a matcher; a regular expression is compiled (fully anchored) and throws when invalid. */
export function makeMatcher(name: string, op: Matcher['op'], value: string): Matcher {
  if (op === '=~' || op === '!~') return { name, op, value, re: anchored(value) };
  return { name, op, value };
}

/** Compiles a Prometheus (RE2) regular expression, fully anchored as 2.42 anchors it (`.` stops at newlines). */
export function anchored(source: string): RegExp {
  return new RegExp(`^(?:${re2ToJs(source)})$`);
}

/** Whether a value satisfies one matcher (a missing label counts as the empty string). */
export function matchValue(m: Matcher, v: string): boolean {
  switch (m.op) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return m.re!.test(v);
    case '!~':
      return !m.re!.test(v);
  }
}

/** Whether a label set satisfies every matcher. */
export function matchesAll(matchers: readonly Matcher[], labels: Labels): boolean {
  for (const m of matchers) if (!matchValue(m, labels[m.name] ?? '')) return false;
  return true;
}
