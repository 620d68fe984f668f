// The PromQL syntax tree, after Prometheus 2.42's promql/parser/ast.go: the shapes the type checker and the
// evaluator work on. Positions are character offsets into the query text, for error messages.

/** What an expression evaluates to. */
export type ValueType = 'scalar' | 'vector' | 'matrix' | 'string';

/** A label matcher of a selector: `=`, `!=`, `=~`, `!~`. */
export interface Matcher {
  readonly name: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
  /** For `=~` and `!~`: the value compiled as a fully anchored regular expression. */
  readonly re?: RegExp;
}

/** `@ <time>`, `@ start()`, `@ end()`; `at` is milliseconds. */
export type AtModifier = { readonly kind: 'time'; readonly ms: number } | { readonly kind: 'start' | 'end' };

interface Base {
  readonly pos: number;
}

export interface NumberLiteral extends Base {
  readonly type: 'number';
  readonly value: number;
}
export interface StringLiteral extends Base {
  readonly type: 'string';
  readonly value: string;
}
export interface VectorSelector extends Base {
  readonly type: 'vector';
  readonly name?: string;
  readonly matchers: readonly Matcher[];
  readonly offsetMs: number;
  readonly at?: AtModifier;
}
export interface MatrixSelector extends Base {
  readonly type: 'matrix';
  readonly vector: VectorSelector;
  readonly rangeMs: number;
}
export interface Subquery extends Base {
  readonly type: 'subquery';
  readonly expr: Expr;
  readonly rangeMs: number;
  /** 0: the query's default step (Prometheus's evaluation interval). */
  readonly stepMs: number;
  readonly offsetMs: number;
  readonly at?: AtModifier;
}
export interface Call extends Base {
  readonly type: 'call';
  readonly func: string;
  readonly args: readonly Expr[];
}
export interface Aggregate extends Base {
  readonly type: 'aggregate';
  readonly op: string;
  readonly expr: Expr;
  readonly param?: Expr;
  readonly grouping: readonly string[];
  readonly without: boolean;
}
export interface Unary extends Base {
  readonly type: 'unary';
  readonly op: '-' | '+';
  readonly expr: Expr;
}
/** Vector matching of a binary operation (`on`/`ignoring`, `group_left`/`group_right`). */
export interface VectorMatching {
  readonly card: 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';
  readonly on: boolean;
  readonly labels: readonly string[];
  readonly include: readonly string[];
}
export interface Binary extends Base {
  readonly type: 'binary';
  readonly op: string;
  readonly lhs: Expr;
  readonly rhs: Expr;
  readonly bool: boolean;
  readonly matching?: VectorMatching;
}
export interface Paren extends Base {
  readonly type: 'paren';
  readonly expr: Expr;
}

/** Any PromQL expression. */
export type Expr =
  | NumberLiteral
  | StringLiteral
  | VectorSelector
  | MatrixSelector
  | Subquery
  | Call
  | Aggregate
  | Unary
  | Binary
  | Paren;
