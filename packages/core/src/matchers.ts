import type { Labels } from './labels.js';
import { compileAnchored } from './regex.js';

/** A label matcher operator, as in PromQL: equal, not equal, regex match, regex non-match. */
export type MatchOp = '=' | '!=' | '=~' | '!~';

/** One label matcher. A missing label matches as the empty string, as in Prometheus. */
export interface LabelMatcher {
  readonly name: string;
  readonly op: MatchOp;
  readonly value: string;
  /** The anchored regex for `=~` and `!~`. */
  readonly regex?: RegExp;
}

/** Thrown by {@link parseMatchers} for a malformed selector; `position` is the 0-based offset of the problem. */
export class MatcherSyntaxError extends Error {
  override readonly name = 'MatcherSyntaxError';
  readonly code = 'ERR_MATCHER_SYNTAX';
  readonly selector: string;
  readonly position: number;
  constructor(selector: string, position: number, reason: string) {
    super(`invalid selector ${JSON.stringify(selector)} at position ${position}: ${reason}`);
    this.selector = selector;
    this.position = position;
  }
}

/**
 * Builds one matcher; for `=~`/`!~` the regex is compiled fully anchored (`^(?:re)$`, see README).
 * @example labelMatcher('instance', '=~', 'web-.*')
 */
export function labelMatcher(name: string, op: MatchOp, value: string): LabelMatcher {
  if (op === '=~' || op === '!~') return { name, op, value, regex: compileAnchored(value) };
  return { name, op, value };
}

/** Whether `labels` satisfy every matcher (a missing label is the empty string). */
export function matchesLabels(matchers: readonly LabelMatcher[], labels: Labels): boolean {
  for (const m of matchers) {
    const v = labels[m.name] ?? '';
    let ok: boolean;
    switch (m.op) {
      case '=':
        ok = v === m.value;
        break;
      case '!=':
        ok = v !== m.value;
        break;
      case '=~':
        ok = m.regex!.test(v);
        break;
      case '!~':
        ok = !m.regex!.test(v);
        break;
    }
    if (!ok) return false;
  }
  return true;
}

const NAME_START = /[a-zA-Z_]/;
const NAME_CHAR = /[a-zA-Z0-9_]/;
const METRIC_START = /[a-zA-Z_:]/;
const METRIC_CHAR = /[a-zA-Z0-9_:]/;
const ESCAPES: Record<string, string> = {
  '\\': '\\',
  '"': '"',
  "'": "'",
  n: '\n',
  t: '\t',
  r: '\r',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
};

/**
 * Parses a PromQL series selector into matchers: `{job="api", instance=~"web-.*"}`, `up{job="x"}` or a bare
 * metric name `up` (which matches `__name__`). Values may be quoted with `"`, `'` or backticks (raw).
 * Throws {@link MatcherSyntaxError} naming the position and, for a bad regex, the matcher.
 * @example parseMatchers('http_requests_total{code!~"2.."}')
 */
export function parseMatchers(selector: string): LabelMatcher[] {
  return new SelectorParser(selector).parse();
}

class SelectorParser {
  private pos = 0;
  private readonly out: LabelMatcher[] = [];
  constructor(private readonly src: string) {}

  parse(): LabelMatcher[] {
    this.skipSpace();
    if (METRIC_START.test(this.peek())) {
      const start = this.pos;
      const name = this.word(METRIC_CHAR);
      this.out.push(this.build('__name__', '=', name, start));
      this.skipSpace();
    }
    if (this.peek() === '{') {
      this.pos++;
      this.matcherList();
    }
    this.skipSpace();
    if (this.pos < this.src.length) this.fail(`unexpected ${JSON.stringify(this.peek())}`);
    if (this.out.length === 0) this.fail('a selector needs a metric name or at least one matcher');
    return this.out;
  }

  private matcherList(): void {
    for (;;) {
      this.skipSpace();
      if (this.peek() === '}') {
        this.pos++;
        return;
      }
      this.matcher();
      this.skipSpace();
      const c = this.peek();
      if (c === ',') this.pos++;
      else if (c !== '}') this.fail(c === '' ? 'missing closing "}"' : `expected "," or "}", got "${c}"`);
    }
  }

  private matcher(): void {
    const start = this.pos;
    if (!NAME_START.test(this.peek())) this.fail('expected a label name');
    const name = this.word(NAME_CHAR);
    this.skipSpace();
    const op = this.operator();
    this.skipSpace();
    const value = this.string();
    this.out.push(this.build(name, op, value, start));
  }

  private build(name: string, op: MatchOp, value: string, start: number): LabelMatcher {
    try {
      return labelMatcher(name, op, value);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new MatcherSyntaxError(
        this.src,
        start,
        `in matcher ${name}${op}${JSON.stringify(value)}: ${reason}`,
      );
    }
  }

  private operator(): MatchOp {
    const two = this.src.slice(this.pos, this.pos + 2);
    if (two === '=~' || two === '!~' || two === '!=') {
      this.pos += 2;
      return two;
    }
    if (this.peek() === '=') {
      this.pos++;
      return '=';
    }
    return this.fail('expected one of =, !=, =~, !~');
  }

  private string(): string {
    const quote = this.peek();
    if (quote !== '"' && quote !== "'" && quote !== '`') return this.fail('expected a quoted value');
    const start = this.pos++;
    let out = '';
    while (this.pos < this.src.length) {
      const c = this.src[this.pos++]!;
      if (c === quote) return out;
      if (c === '\\' && quote !== '`') out += this.escape();
      else out += c;
    }
    this.pos = start;
    return this.fail('unterminated quoted value');
  }

  private escape(): string {
    const c = this.src[this.pos] ?? '';
    const simple = ESCAPES[c];
    if (simple !== undefined) {
      this.pos++;
      return simple;
    }
    const digits = c === 'x' ? 2 : c === 'u' ? 4 : c === 'U' ? 8 : 0;
    const hex = this.src.slice(this.pos + 1, this.pos + 1 + digits);
    const code = Number.parseInt(hex, 16);
    if (digits > 0 && hex.length === digits && /^[0-9a-fA-F]+$/.test(hex) && code <= 0x10ffff) {
      this.pos += 1 + digits;
      return String.fromCodePoint(code);
    }
    return this.fail(
      `unknown escape sequence "\\${c}" (write "\\\\" for a backslash, or use a \`raw\` string)`,
    );
  }

  private word(chars: RegExp): string {
    const start = this.pos;
    while (this.pos < this.src.length && chars.test(this.src[this.pos]!)) this.pos++;
    return this.src.slice(start, this.pos);
  }

  private peek(): string {
    return this.src[this.pos] ?? '';
  }

  private skipSpace(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos]!)) this.pos++;
  }

  private fail(reason: string): never {
    throw new MatcherSyntaxError(this.src, this.pos, reason);
  }
}
