// Literals of PromQL: numbers, quoted strings, and which matchers match the empty string.
import type { Matcher } from './ast.js';

/** Whether a matcher also matches a missing label (the empty string). */
export function matchesEmpty(m: Matcher): boolean {
  switch (m.op) {
    case '=':
      return m.value === '';
    case '!=':
      return m.value !== '';
    case '=~':
      return m.re!.test('');
    case '!~':
      return !m.re!.test('');
  }
}

/** Parses a PromQL number literal: decimal, hexadecimal, Inf and NaN in any case. */
export function parseNumber(text: string): number {
  const t = text.toLowerCase();
  const sign = t.startsWith('-') ? -1 : 1;
  const body = t.replace(/^[-+]/, '');
  if (body === 'inf') return sign * Infinity;
  if (body === 'nan') return Number.NaN;
  if (body.startsWith('0x')) return sign * Number.parseInt(body.slice(2), 16);
  return sign * Number(body);
}

/** Go's string escapes in double- and single-quoted PromQL strings. */
export function unescapeGo(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2}|[0-7]{3}|.)/g, (_, e: string) => {
    const c = e[0]!;
    if (c === 'u' || c === 'U' || c === 'x') return String.fromCodePoint(Number.parseInt(e.slice(1), 16));
    if (/[0-7]/.test(c)) return String.fromCodePoint(Number.parseInt(e, 8));
    const simple: Record<string, string> = {
      a: '\x07',
      b: '\b',
      f: '\f',
      n: '\n',
      r: '\r',
      t: '\t',
      v: '\v',
    };
    if (simple[c] !== undefined) return simple[c];
    if (c === '\\' || c === '"' || c === "'") return c;
    throw new Error(`unknown escape sequence \\${c}`);
  });
}
