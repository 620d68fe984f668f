// Decodes a YAML document the way Go's gopkg.in/yaml.v3 decodes it into promtool's structs (KnownFields on):
// any scalar fits a string, null leaves the zero value, unknown and repeated keys are errors, `<<` merges, and a
// yaml.Node field keeps the node's text and position. Type errors are collected; a bad duration stops the decode.

import { parseDuration } from '@argus/template';
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type LineCounter,
  type Node,
  type Pair,
  type Scalar,
} from 'yaml';
import type { RulePosition, RuleProblemCode } from './problem.js';

/** The Go types promtool decodes rule files into. */
export type GoType =
  | { readonly kind: 'string' | 'int' | 'duration' | 'node' }
  | { readonly kind: 'struct'; readonly name: string; readonly fields: Readonly<Record<string, GoType>> }
  | { readonly kind: 'slice' | 'map'; readonly name: string; readonly elem: GoType };

/** A yaml.Node field: its text (`""` for collections and absent fields) and where it is (0:0 when absent). */
export interface NodeValue extends RulePosition {
  readonly value: string;
}

/** A decoded map entry, in file order, with where its key is. */
export interface MapEntry extends RulePosition {
  readonly key: string;
  readonly value: unknown;
}

/** A decoded struct: its fields (absent ones missing) and where it starts. */
export interface StructValue extends RulePosition {
  readonly fields: Record<string, unknown>;
  /** Where each present field's key is. */
  readonly keys: Record<string, RulePosition>;
}

/** One decoding error, with Go's text (without yaml.v3's `line N:` prefix: the position carries it). */
export interface DecodeError extends RulePosition {
  readonly code: RuleProblemCode;
  readonly message: string;
}

/** A bad duration: yaml.v3 returns the Unmarshaler's error alone and stops. */
class Fatal extends Error {
  constructor(readonly error: DecodeError) {
    super(error.message);
  }
}

const NULL = /^(?:~|null|Null|NULL|)$/;
const BOOL = /^(?:true|True|TRUE|false|False|FALSE)$/;
const INT = /^[-+]?(?:[0-9_]+|0b[01_]+|0o[0-7_]+|0x[0-9a-fA-F_]+)$/;
const FLOAT =
  /^[-+]?(?:(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|\.inf|\.Inf|\.INF)$|^\.(?:nan|NaN|NAN)$/;
const SHORT_TAG = 'tag:yaml.org,2002:';
const FLOAT_TEXT = /^[-+]?[0-9_]+$/;

/** Decodes `root` into `type`; `errors` is empty when yaml.v3 would have succeeded. */
export function decodeAs(
  doc: Document,
  type: GoType,
  lines: LineCounter,
): { value: unknown; errors: DecodeError[] } {
  const d = new Decoder(lines, doc);
  const root = doc.contents as Node | null;
  try {
    const value = root ? d.decode(root, type) : undefined;
    return { value, errors: d.errors };
  } catch (e) {
    if (e instanceof Fatal) return { value: undefined, errors: [e.error] };
    throw e;
  }
}

class Decoder {
  readonly errors: DecodeError[] = [];
  constructor(
    private readonly lines: LineCounter,
    private readonly doc: Document,
  ) {}

  /** The node an alias points at (yaml.v3 decodes the anchored node in its place). */
  resolve(n: Node | null | undefined): Node | undefined {
    let cur: Node | undefined = n ?? undefined;
    for (let hops = 0; cur && isAlias(cur) && hops < 100; hops++)
      cur = cur.resolve(this.doc) as Node | undefined;
    return cur && !isAlias(cur) ? cur : undefined;
  }

  pos(n: Node | Pair['key']): RulePosition {
    const at = (n as Node | null)?.range?.[0];
    if (at === undefined) return { line: 0, column: 0 };
    const { line, col } = this.lines.linePos(at);
    return { line, column: col };
  }

  fail(n: Node, code: RuleProblemCode, message: string): undefined {
    this.errors.push({ code, message, ...this.pos(n) });
    return undefined;
  }

  /** yaml.v3's "cannot unmarshal !!tag `value` into T". */
  typeError(n: Node, into: string): undefined {
    const tag = tagOf(n);
    let shown = '';
    if (tag !== '!!seq' && tag !== '!!map') {
      const v = isScalar(n) ? scalarText(n) : '';
      shown = v.length > 10 ? ` \`${v.slice(0, 7)}...\`` : ` \`${v}\``;
    }
    return this.fail(n, 'ERR_RULES_TYPE', `cannot unmarshal ${tag}${shown} into ${into}`);
  }

  decode(input: Node, type: GoType): unknown {
    if (type.kind === 'node') return { value: nodeText(input), ...this.pos(input) } satisfies NodeValue;
    const n = this.resolve(input);
    // a null leaves Go's zero value (and yaml.v3 leaves a null item out of a slice)
    if (!n || (isScalar(n) && tagOf(n) === '!!null')) return undefined;
    switch (type.kind) {
      case 'string':
        return isScalar(n) ? scalarText(n) : this.typeError(n, 'string');
      case 'int':
        return this.int(n);
      case 'duration':
        return this.duration(n);
      case 'struct':
        if (!isMap(n)) return this.typeError(n, type.name);
        return this.uniqueKeys(n) ? this.struct(n, type) : undefined;
      case 'slice':
        if (!isSeq(n)) return this.typeError(n, type.name);
        return n.items.map((item) => this.decode(item as Node, type.elem)).filter((v) => v !== undefined);
      case 'map':
        return isMap(n) ? this.map(n, type.elem) : this.typeError(n, type.name);
    }
  }

  int(n: Node): number | undefined {
    const text = isScalar(n) ? scalarText(n) : '';
    const tag = tagOf(n);
    if (tag === '!!int') {
      const v = goInt(text);
      if (v !== undefined && v >= -(2n ** 63n) && v < 2n ** 63n) return Number(v);
    }
    // yaml.v3 converts a float to int without checking it is whole, only that it fits
    const f = tag === '!!float' ? Number(text.replace(/_/g, '').replace(/^([-+]?)\./, '$10.')) : Number.NaN;
    if (Number.isFinite(f) && Math.abs(f) < 2 ** 63) return Math.trunc(f);
    return this.typeError(n, 'int');
  }

  /** model.Duration.UnmarshalYAML: decode a string, then model.ParseDuration (its error ends the decode). */
  duration(n: Node): number | undefined {
    if (!isScalar(n)) return this.typeError(n, 'string');
    const text = scalarText(n);
    let message: string | undefined;
    let ms = 0;
    if (text === '') message = 'empty duration string';
    else {
      try {
        ms = parseDuration(text) * 1000;
        if (ms > 2 ** 63 / 1e6) message = 'duration out of range';
      } catch (e) {
        message = (e as Error).message;
      }
    }
    if (message) throw new Fatal({ code: 'ERR_RULES_DURATION', message, ...this.pos(n) });
    return ms;
  }

  struct(n: Node, type: Extract<GoType, { kind: 'struct' }>, into?: StructValue): StructValue {
    const out: StructValue = into ?? { fields: {}, keys: {}, ...this.pos(n) };
    for (const pair of (n as { items: Pair[] }).items) {
      const key = pair.key as Node;
      if (isMerge(key)) {
        this.merge(pair.value as Node, type, out);
        continue;
      }
      const name = isScalar(key) ? scalarText(key) : '';
      const field = type.fields[name];
      if (!field) {
        this.fail(key, 'ERR_RULES_UNKNOWN_FIELD', `field ${name} not found in type ${type.name}`);
        continue;
      }
      out.fields[name] = this.decode(pair.value as Node, field);
      out.keys[name] = this.pos(key);
    }
    return out;
  }

  merge(v: Node, type: Extract<GoType, { kind: 'struct' }>, out: StructValue): void {
    const n = this.resolve(v);
    if (n && isMap(n)) this.struct(n, type, out);
    else if (n && isSeq(n)) {
      for (const item of n.items) {
        const m = this.resolve(item as Node);
        if (m && isMap(m)) this.struct(m, type, out);
        else
          this.fail(
            item as Node,
            'ERR_RULES_TYPE',
            'map merge requires map or sequence of maps as the value',
          );
      }
    } else if (n) this.fail(n, 'ERR_RULES_TYPE', 'map merge requires map or sequence of maps as the value');
  }

  /** yaml.v3 refuses a mapping with a repeated key before decoding it (into a struct or a map). */
  uniqueKeys(n: Node): boolean {
    const pairs = (n as { items: Pair[] }).items;
    const before = this.errors.length;
    pairs.forEach((p, i) => {
      const k = p.key as Node;
      for (const q of pairs.slice(i + 1)) {
        const other = q.key as Node;
        if (sameKey(k, other)) {
          const text = isScalar(other) ? scalarText(other) : '';
          this.fail(
            other,
            'ERR_RULES_DUPLICATE_KEY',
            `mapping key ${JSON.stringify(text)} already defined at line ${this.pos(k).line}`,
          );
        }
      }
    });
    return this.errors.length === before;
  }

  map(n: Node, elem: GoType): MapEntry[] | undefined {
    if (!this.uniqueKeys(n)) return undefined;
    const pairs = (n as { items: Pair[] }).items;
    const out: MapEntry[] = [];
    for (const p of pairs) {
      const key = this.decode(p.key as Node, { kind: 'string' });
      const value = this.decode(p.value as Node, elem);
      out.push({ key: typeof key === 'string' ? key : '', value: value ?? '', ...this.pos(p.key as Node) });
    }
    return out;
  }
}

/** The text of a scalar before type resolution (yaml.v3's Node.Value). */
export function scalarText(n: Scalar): string {
  return n.source ?? String(n.value ?? '');
}

/** yaml.Node.Value: a scalar's text, an alias's name, `""` for collections and absent values. */
function nodeText(n: Node | null | undefined): string {
  if (!n) return '';
  if (isScalar(n)) return scalarText(n);
  if (isAlias(n)) return n.source;
  return '';
}

function isMerge(k: Node): boolean {
  return (
    isScalar(k) && scalarText(k) === '<<' && k.type === 'PLAIN' && (!k.tag || k.tag === `${SHORT_TAG}merge`)
  );
}

function sameKey(a: Node, b: Node): boolean {
  if (isScalar(a) && isScalar(b)) return scalarText(a) === scalarText(b);
  return false;
}

/** An integer as yaml.v3 reads it (strconv.ParseInt with base 0, `_` removed), or undefined. */
function goInt(text: string): bigint | undefined {
  const t = text.replace(/_/g, '');
  const m = /^([-+]?)(0x[0-9a-fA-F]+|0o[0-7]+|0b[01]+|0[0-7]*|[1-9][0-9]*)$/.exec(t);
  if (!m) return undefined;
  const digits = m[2]!;
  const v = /^0[0-7]+$/.test(digits) ? BigInt(`0o${digits.slice(1)}`) : BigInt(digits);
  return m[1] === '-' ? -v : v;
}

/** yaml.v3's short tag of a node: explicit, or resolved from a plain scalar's text. */
function tagOf(n: Node): string {
  if (n.tag) return n.tag.startsWith(SHORT_TAG) ? `!!${n.tag.slice(SHORT_TAG.length)}` : n.tag;
  if (isMap(n)) return '!!map';
  if (isSeq(n)) return '!!seq';
  if (!isScalar(n) || n.type !== 'PLAIN') return '!!str';
  const t = scalarText(n);
  if (NULL.test(t)) return '!!null';
  if (BOOL.test(t)) return '!!bool';
  // an integer beyond 64 bits resolves as a float, as in yaml.v3
  if (INT.test(t)) {
    const v = goInt(t);
    return v !== undefined && v >= -(2n ** 63n) && v < 2n ** 64n
      ? '!!int'
      : FLOAT_TEXT.test(t)
        ? '!!float'
        : '!!str';
  }
  if (FLOAT.test(t)) return '!!float';
  return '!!str';
}
