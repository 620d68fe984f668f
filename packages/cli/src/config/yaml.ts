import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';

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

/** Parses YAML keeping source positions; returns the syntax errors instead when there are any. */
export function parseYaml(text: string): YamlFile | { errors: YamlSyntaxError[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true });
  if (doc.errors.length > 0) {
    return {
      errors: doc.errors.map((e) => ({
        position: e.linePos?.[0] ? { line: e.linePos[0].line, col: e.linePos[0].col } : undefined,
        message: (e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, ''),
      })),
    };
  }
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
