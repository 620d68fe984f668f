import { Parser } from 'yaml';

/** Where an unclosed `{`, `[` or quote was opened, and what closes it. */
export interface Unclosed {
  offset: number;
  opener: string;
  closer: string;
}

const CLOSER: Record<string, string> = { '{': '}', '[': ']', '"': '"', "'": "'" };

/**
 * The last bracket or quote opened before `before` that is never closed. The YAML parser notices a missing `}`
 * only where the next line starts, so its error points one line too far; this finds the opener instead.
 */
export function findUnclosed(text: string, before: number): Unclosed | undefined {
  const found: Unclosed[] = [];
  for (const token of new Parser().parse(text)) walk(token, found);
  return found.filter((u) => u.offset < before).sort((a, b) => b.offset - a.offset)[0];
}

function walk(node: unknown, out: Unclosed[]): void {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, out);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const n = node as {
    type?: string;
    offset?: number;
    source?: string;
    start?: { offset: number; source: string };
    end?: { source: string }[];
  };
  if (n.type === 'flow-collection' && n.start) {
    const closer = CLOSER[n.start.source] ?? '';
    if (!n.end?.some((e) => e.source === closer))
      out.push({ offset: n.start.offset, opener: n.start.source, closer });
  } else if ((n.type === 'double-quoted-scalar' || n.type === 'single-quoted-scalar') && n.source) {
    const q = n.source[0] ?? '';
    if (n.source.length < 2 || !n.source.endsWith(q))
      out.push({ offset: n.offset ?? 0, opener: q, closer: q });
  }
  for (const [k, v] of Object.entries(n)) if (k !== 'parent') walk(v, out);
}
