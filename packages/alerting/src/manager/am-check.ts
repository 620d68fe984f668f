import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { checkValues, STRUCT_RULES } from './am-check-rules.js';
import { type Kind, STRUCTS } from './am-schema.js';
import { checkGoRegex } from './am-values.js';
import { didYouMean } from './did-you-mean.js';
import { parseAmMatchers } from './matchers.js';

/** One problem `amtool check-config` 0.25 would also fail on (`error`), or a hint (`warning`), with its place. */
export interface ConfigProblem {
  readonly severity: 'error' | 'warning';
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

/** A decoded object's node and the nodes of its keys, for the places of later checks. */
export interface Place {
  node: Node | undefined;
  keys: Record<string, Node>;
}

/** Where decoded objects came from, and the problems found so far. */
export class Decoder {
  readonly problems: ConfigProblem[] = [];
  readonly places: WeakMap<object, Place> = new WeakMap();

  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  report(node: Node | undefined, message: string, severity: 'error' | 'warning' = 'error'): void {
    const offset = node?.range?.[0] ?? 0;
    const p = this.lines.linePos(offset);
    this.problems.push({ severity, line: p.line, col: p.col, message });
  }

  /** Reports at an object's key (or the object when the key is absent). */
  reportAt(
    obj: object,
    key: string | undefined,
    message: string,
    severity: 'error' | 'warning' = 'error',
  ): void {
    const place = this.places.get(obj);
    this.report((key && place?.keys[key]) || place?.node, message, severity);
  }

  private resolve(node: unknown): Node | undefined {
    if (isAlias(node)) return this.resolve(node.resolve(this.doc));
    return (node ?? undefined) as Node | undefined;
  }

  /** Reads `node` as `kind`; `where` names the field in messages. Returns undefined for null or a bad value. */
  decode(raw: unknown, kind: Kind, where: string): unknown {
    const node = this.resolve(raw);
    if (!node || (isScalar(node) && node.value === null)) return undefined;
    if (typeof kind === 'object') {
      if ('struct' in kind) return this.struct(node, kind.struct, where);
      if (!isSeq(node)) return this.wrong(node, where, 'a list');
      return node.items.map((item, i) => this.decode(item, { struct: kind.list }, `${where}[${i}]`));
    }
    switch (kind) {
      case 'strList':
        if (!isSeq(node)) return this.wrong(node, where, 'a list of strings');
        return node.items.map((item, i) => this.decode(item, 'str', `${where}[${i}]`));
      case 'strMap':
      case 'regexMap':
        return this.map(node, kind, where);
      case 'matchers':
        return this.matchers(node, where);
      default:
        return this.scalar(node, kind, where);
    }
  }

  private wrong(node: Node, where: string, expected: string): undefined {
    const got = isMap(node)
      ? 'a mapping'
      : isSeq(node)
        ? 'a list'
        : `${JSON.stringify(String((node as { source?: string }).source ?? ''))}`;
    this.report(node, `${where}: expected ${expected}, got ${got}`);
    return undefined;
  }

  private struct(node: Node, name: string, where: string): Record<string, unknown> | undefined {
    if (!isMap(node)) return this.wrong(node, where, 'a mapping');
    const spec = STRUCTS[name]!;
    const out: Record<string, unknown> = {};
    const place: Place = { node, keys: {} };
    for (const pair of this.pairs(node)) {
      const keyNode = pair.key as Node;
      const key = keyText(keyNode);
      const kind = spec.fields[key];
      if (!kind) {
        const hint = didYouMean(key, Object.keys(spec.fields));
        this.report(keyNode, `unknown field "${key}" in ${where}${hint ? ` (did you mean "${hint}"?)` : ''}`);
        continue;
      }
      place.keys[key] = keyNode;
      const v = this.decode(pair.value, kind, `${where}.${key}`);
      if (v !== undefined) out[key] = v;
    }
    this.places.set(out, place);
    STRUCT_RULES[name]?.(out, (key, msg, sev) => this.reportAt(out, key, `${where}: ${msg}`, sev));
    return out;
  }

  /** The pairs of a mapping with YAML merge keys (`<<: *anchor`) expanded, as yaml.v2 does. */
  private pairs(node: Node): { key: unknown; value: unknown }[] {
    if (!isMap(node)) return [];
    const out: { key: unknown; value: unknown }[] = [];
    for (const p of node.items) {
      if (isScalar(p.key) && p.key.value === '<<') {
        const target = this.resolve(p.value);
        const sources = isSeq(target) ? target.items.map((x) => this.resolve(x)) : [target];
        for (const s of sources) out.push(...this.pairs(s as Node));
      } else out.push(p);
    }
    return out;
  }

  private map(node: Node, kind: 'strMap' | 'regexMap', where: string): Record<string, string> | undefined {
    if (!isMap(node)) return this.wrong(node, where, 'a mapping of strings');
    const out: Record<string, string> = {};
    for (const pair of this.pairs(node)) {
      const keyNode = pair.key as Node;
      const key = keyText(keyNode);
      const v = this.decode(pair.value, 'str', `${where}.${key}`) as string | undefined;
      if (kind === 'regexMap') {
        if (v === undefined) {
          this.report(
            keyNode,
            `${where}: invalid regexp value for "${key}" (a regex is needed; write "" to match the empty value)`,
          );
          continue;
        }
        this.guard(keyNode, where, () => checkGoRegex(v));
      }
      out[key] = v ?? '';
    }
    this.places.set(out, { node, keys: {} });
    return out;
  }

  private matchers(node: Node, where: string): string[] | undefined {
    if (!isSeq(node)) return this.wrong(node, where, 'a list of matchers');
    const out: string[] = [];
    node.items.forEach((item, i) => {
      const line = this.decode(item, 'str', `${where}[${i}]`) as string | undefined;
      if (line === undefined) return;
      this.guard(this.resolve(item), `${where}[${i}]`, () => parseAmMatchers(line));
      out.push(line);
    });
    return out;
  }

  private guard(node: Node | undefined, where: string, f: () => unknown): void {
    try {
      f();
    } catch (err) {
      this.report(node, `${where}: ${(err as Error).message}`);
    }
  }

  private scalar(node: Node, kind: Kind, where: string): unknown {
    if (!isScalar(node)) return this.wrong(node, where, kind === 'bool' ? 'true or false' : 'a single value');
    const v = node.value;
    const text = typeof v === 'string' ? v : ((node as { source?: string }).source ?? String(v));
    switch (kind) {
      case 'bool':
        return typeof v === 'boolean' ? v : this.wrong(node, where, 'true or false');
      case 'int':
      case 'uint':
        if (typeof v !== 'number' || !Number.isInteger(v) || (kind === 'uint' && v < 0))
          return this.wrong(node, where, kind === 'uint' ? 'a whole number ≥ 0' : 'a whole number');
        return v;
      case 'str':
        return text;
      default:
        this.guard(node, where, () => checkValues[kind as keyof typeof checkValues]?.(text));
        return text;
    }
  }
}

/** A key as yaml.v2 reads it into a string: its text as written (`on` stays "on", not a YAML 1.1 boolean). */
function keyText(node: Node): string {
  if (!isScalar(node)) return '';
  return typeof node.value === 'string'
    ? node.value
    : ((node as { source?: string }).source ?? String(node.value));
}

/** Parses alertmanager.yml text with YAML 1.1 (as yaml.v2 does); syntax errors become problems. */
export function parseAmDocument(text: string): {
  doc: Document;
  lines: LineCounter;
  errors: ConfigProblem[];
} {
  const lines = new LineCounter();
  const doc = parseDocument(text, { version: '1.1', lineCounter: lines, prettyErrors: false });
  const errors = doc.errors.map((e): ConfigProblem => {
    const p = lines.linePos(e.pos[0]);
    return { severity: 'error', line: p.line, col: p.col, message: `YAML: ${e.message.split('\n')[0]}` };
  });
  return { doc, lines, errors };
}
