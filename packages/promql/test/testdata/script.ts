// Reads Prometheus's promql/testdata `.test` format (see fixtures/promql-testdata/SOURCE.md) into commands:
// `load <step>` blocks of series, `clear`, and `eval[_fail|_ordered] instant at <time> <expr>` with the
// expected samples. Written from the format's description; each eval gets the series loaded before it.

import type { MemorySeries } from '../../src/memory.js';
import { parseDuration } from '../../src/parser/duration.js';

/** One expected sample: labels (undefined for a scalar) and value. */
export interface Expected {
  readonly labels?: Record<string, string>;
  readonly value: number;
}

/** One `eval` of a test file. */
export interface EvalCase {
  readonly line: number;
  readonly expr: string;
  readonly atMs: number;
  readonly fail: boolean;
  readonly ordered: boolean;
  readonly expected: readonly Expected[];
  /** The series loaded at this point of the file. */
  readonly series: readonly MemorySeries[];
}

const EVAL_RE = /^eval(_fail|_ordered)?\s+instant\s+at\s+(\S+)\s+(.+)$/;

/** Parses a test file into its eval cases. Throws on a line it does not understand, naming it. */
export function parseScript(text: string): EvalCase[] {
  const lines = text.split('\n');
  const cases: EvalCase[] = [];
  let series: MemorySeries[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line === 'clear') {
      series = [];
    } else if (line.startsWith('load ')) {
      const stepMs = parseDuration(line.slice(5).trim());
      series = [...series];
      while (i + 1 < lines.length && lines[i + 1]!.trim() !== '') {
        const l = lines[++i]!.trim();
        if (!l.startsWith('#')) series.push(loadLine(l, stepMs, i + 1));
      }
    } else {
      const m = EVAL_RE.exec(line);
      if (!m) throw new Error(`line ${i + 1}: cannot read ${JSON.stringify(line)}`);
      const expected: Expected[] = [];
      while (i + 1 < lines.length && lines[i + 1]!.trim() !== '') {
        const l = lines[++i]!.trim();
        if (!l.startsWith('#')) expected.push(expectedLine(l, i + 1));
      }
      cases.push({
        line: i + 1 - expected.length,
        expr: m[3]!,
        atMs: parseDuration(m[2]!),
        fail: m[1] === '_fail',
        ordered: m[1] === '_ordered',
        expected,
        series,
      });
    }
  }
  return cases;
}

function loadLine(l: string, stepMs: number, lineNo: number): MemorySeries {
  const { labels, rest } = seriesDesc(l, lineNo);
  const timestamps: number[] = [];
  const values: number[] = [];
  const stale: number[] = [];
  let k = 0;
  for (const v of expandValues(rest, lineNo)) {
    if (v !== undefined) {
      timestamps.push(k * stepMs);
      values.push(v === 'stale' ? 0 : v);
      stale.push(v === 'stale' ? 1 : 0);
    }
    k++;
  }
  return { labels, timestamps, values, stale };
}

function expectedLine(l: string, lineNo: number): Expected {
  if (!l.startsWith('{') && !/^[a-zA-Z_:]/.test(l)) return { value: parseNumber(l, lineNo) };
  if (/^[-+]?(inf|nan)$/i.test(l)) return { value: parseNumber(l, lineNo) };
  const { labels, rest } = seriesDesc(l, lineNo);
  const vals = expandValues(rest, lineNo);
  const v = vals[0];
  return { labels, value: typeof v === 'number' ? v : Number.NaN };
}

/** Splits `metric{a="b"} values` into its labels and the value text. */
function seriesDesc(l: string, lineNo: number): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  let i = 0;
  const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(l);
  if (name) {
    labels.__name__ = name[0];
    i = name[0].length;
  }
  if (l[i] === '{') {
    i++;
    const pair = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\s*,?\s*/y;
    for (;;) {
      if (l[i] === '}') break;
      pair.lastIndex = i;
      const m = pair.exec(l);
      if (!m) throw new Error(`line ${lineNo}: bad labels in ${JSON.stringify(l)}`);
      labels[m[1]!] = unquote(m[2]!);
      i = pair.lastIndex;
    }
    i++;
  }
  return { labels, rest: l.slice(i).trim() };
}

function unquote(q: string): string {
  const body = q.slice(1, -1);
  return body.replace(
    /\\(.)/g,
    (_, c: string) => ({ n: '\n', t: '\t', '\\': '\\', '"': '"', "'": "'" })[c] ?? c,
  );
}

/** Expands `1 2 _ stale 0+10x3 5x2 _x4 1-1x2` into values (undefined: no sample). */
export function expandValues(text: string, lineNo: number): (number | 'stale' | undefined)[] {
  const out: (number | 'stale' | undefined)[] = [];
  for (const tok of text.split(/\s+/).filter((t) => t !== '')) {
    if (tok === '_') out.push(undefined);
    else if (tok === 'stale') out.push('stale');
    else {
      const m = /^(_|[-+]?[^-+x]+(?:e[-+]?\d+)?)(?:([-+])([^x]+))?x(\d+)$/i.exec(tok);
      if (!m) {
        out.push(parseNumber(tok, lineNo));
        continue;
      }
      const n = Number(m[4]);
      if (m[1] === '_') {
        for (let k = 0; k < n; k++) out.push(undefined);
        continue;
      }
      const start = parseNumber(m[1]!, lineNo);
      const inc = m[3] === undefined ? 0 : parseNumber(m[3], lineNo) * (m[2] === '-' ? -1 : 1);
      // Prometheus computes each value by repeated addition, not start + k·inc.
      let v = start;
      for (let k = 0; k <= n; k++) {
        out.push(v);
        v += inc;
      }
    }
  }
  return out;
}

function parseNumber(s: string, lineNo: number): number {
  const t = s.toLowerCase();
  if (/^[-+]?inf$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[-+]?nan$/.test(t)) return Number.NaN;
  const v = Number(s);
  if (Number.isNaN(v)) throw new Error(`line ${lineNo}: not a number: ${JSON.stringify(s)}`);
  return v;
}
