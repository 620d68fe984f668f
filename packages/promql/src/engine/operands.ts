// What operators and functions need from the evaluator: their operands, evaluated at a step. An interface of its
// own so that aggregate, binary and the functions do not import the evaluator that imports them.
import type { AtModifier, Expr, MatrixSelector, Subquery } from '../parser/ast.js';
import type { Labels } from '../queryable.js';
import type { Sample, Series, Value } from './values.js';

/**
 * One step of an operand computed ahead for all steps (range-calls.ts): series j has value `values[offset + j]`
 * where `has[offset + j]` is 1. `metrics` is the same array at every step of a block.
 */
export interface StepView {
  readonly metrics: readonly Labels[];
  readonly values: Float64Array;
  readonly has: Uint8Array;
  readonly offset: number;
}

export interface Operands {
  /** The time an `@` modifier pins evaluation to (ms). */
  atTime(at: AtModifier | undefined, t: number): number;
  eval(e: Expr, t: number): Value;
  vector(e: Expr, t: number): Sample[];
  scalar(e: Expr, t: number): number;
  matrixSelector(e: MatrixSelector, t: number): Series[];
  subquery(e: Subquery, t: number): Series[];
  /**
   * `e`'s value at `t` as columns, when it was computed ahead and reading it so gives what eval() gives
   * (no two series with one label set); undefined otherwise.
   */
  columnsAt?(e: Expr, t: number): StepView | undefined;
}
