// What operators and functions need from the evaluator: their operands, evaluated at a step. An interface of its
// own so that aggregate, binary and the functions do not import the evaluator that imports them.
import type { AtModifier, Expr, MatrixSelector, Subquery } from '../parser/ast.js';
import type { Sample, Series, Value } from './values.js';

export interface Operands {
  /** The time an `@` modifier pins evaluation to (ms). */
  atTime(at: AtModifier | undefined, t: number): number;
  eval(e: Expr, t: number): Value;
  vector(e: Expr, t: number): Sample[];
  scalar(e: Expr, t: number): number;
  matrixSelector(e: MatrixSelector, t: number): Series[];
  subquery(e: Subquery, t: number): Series[];
}
