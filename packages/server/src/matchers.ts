import { type LabelMatcher, matchesLabels, parseMatchers } from '@argus/processors';

const ONE = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$/s;

/** Alertmanager's matcher text (`team="db"`, `severity=~"crit.*"`, unquoted `team=db`); throws a SyntaxError. */
export function parseMatcher(text: string): LabelMatcher {
  const m = ONE.exec(text);
  if (!m)
    throw new SyntaxError(`bad matcher ${JSON.stringify(text)}; write e.g. team="db" or severity=~"crit.*"`);
  const raw = m[3]!;
  const quoted = /^"(?:[^"\\]|\\.)*"$/s.test(raw) ? raw : JSON.stringify(raw);
  const [one] = parseMatchers(`{${m[1]}${m[2]}${quoted}}`);
  return one!;
}

/** Matchers from a query parameter that may be given once, many times, or not at all. */
export function matchersParam(v: string | string[] | undefined, field: string): LabelMatcher[] {
  const list = v === undefined ? [] : Array.isArray(v) ? v : [v];
  return list.map((text, i) => {
    try {
      return parseMatcher(text);
    } catch (err) {
      throw badRequest(`${field}${list.length > 1 ? `[${i}]` : ''}`, (err as Error).message);
    }
  });
}

/** The text of a matcher, as silences store it. */
export function matcherText(m: { name: string; op: string; value: string }): string {
  return `${m.name}${m.op}${JSON.stringify(m.value)}`;
}

export { matchesLabels };

/** An error answered with 400 naming the field. */
export class BadRequest extends Error {
  readonly statusCode = 400;
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

export function badRequest(field: string, message: string): BadRequest {
  return new BadRequest(field, message);
}
