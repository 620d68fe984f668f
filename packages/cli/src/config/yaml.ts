import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, type YAMLError } from 'yaml';
import { findUnclosed } from './yaml-unclosed.js';

/** A line and column, 1-based. */
export interface Position {
  line: number;
  col: number;
}

/** A parsed YAML file that can tell where each value was written. */
export interface YamlFile {
  readonly data: unknown;
  /** Where the value at `path` is; for a missing key, where its closest parent is. */
  locate(path: readonly (string | number)[]): Position | undefined;
}

/** A YAML syntax error with its position. */
export interface YamlSyntaxError {
  position: Position | undefined;
  message: string;
}

function child(node: unknown, key: string | number): Node | undefined {
  if (isMap(node)) {
    const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key);
    if (!pair) return undefined;
    return (pair.value as Node | null) ?? (pair.key as Node);
  }
  if (isSeq(node) && typeof key === 'number') return node.items[key] as Node | undefined;
  return undefined;
}

// errors the parser reports where it noticed them (the next line), not where the bracket or quote was opened
const UNCLOSED = new Set(['BAD_INDENT', 'MISSING_CHAR', 'UNEXPECTED_TOKEN']);

function syntaxError(text: string, e: YAMLError, lines: LineCounter): YamlSyntaxError {
  const message = (e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, '');
  const open = UNCLOSED.has(e.code) ? findUnclosed(text, e.pos[0]) : undefined;
  if (open) {
    const p = lines.linePos(open.offset);
    return {
      position: { line: p.line, col: p.col },
      message: `${unclosedWhat(open.opener)} opened here is never closed: end it with ${open.closer} (${message})`,
    };
  }
  return {
    position: e.linePos?.[0] ? { line: e.linePos[0].line, col: e.linePos[0].col } : undefined,
    message,
  };
}

function unclosedWhat(opener: string): string {
  if (opener === '{') return 'the flow map {';
  if (opener === '[') return 'the flow sequence [';
  return `the quoted string ${opener}`;
}

/** Parses YAML keeping source positions; returns the syntax errors instead when there are any. */
export function parseYaml(text: string): YamlFile | { errors: YamlSyntaxError[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true });
  if (doc.errors.length > 0) return { errors: doc.errors.map((e) => syntaxError(text, e, lines)) };
  const at = (node: Node | undefined): Position | undefined => {
    const offset = node?.range?.[0];
    if (offset === undefined) return undefined;
    const p = lines.linePos(offset);
    return { line: p.line, col: p.col };
  };
  return {
    data: doc.toJS(),
    locate(path) {
      let node = doc.contents as Node | undefined;
      let best = at(node);
      for (const key of path) {
        node = child(node, key);
        if (!node) break;
        best = at(node) ?? best;
      }
      return best;
    },
  };
}
