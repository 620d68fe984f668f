// Binary operators with Prometheus 2.42's semantics (promql/engine.go VectorBinop and friends): arithmetic,
// comparisons with and without `bool`, set operators, and vector matching with on/ignoring/group_x.
import type { Binary, VectorMatching } from '../parser/ast.js';
import { PromQLEvalError } from '../parser/errors.js';
import { isComparison } from '../parser/typecheck.js';
import type { Labels } from '../queryable.js';
import type { Operands } from './operands.js';
import { checkUnique, dropName, formatLabels, labelsKey, type Sample, type Value } from './values.js';

const DROPS_NAME = new Set(['+', '-', '*', '/', '^', '%']);

/** Evaluates a binary expression at `t`. */
export function evalBinary(ev: Operands, e: Binary, t: number): Value {
  const l = ev.eval(e.lhs, t);
  const r = ev.eval(e.rhs, t);
  if (l.type === 'scalar' && r.type === 'scalar') {
    const [v, keep] = scalarOp(e.op, l.v, r.v);
    return { type: 'scalar', v: isComparison(e.op) ? (keep ? 1 : 0) : v };
  }
  let out: Sample[];
  if (l.type === 'vector' && r.type === 'vector') out = vectorVector(e, l.samples, r.samples, t);
  else if (l.type === 'vector' && r.type === 'scalar') out = vectorScalar(e, l.samples, r.v, false, t);
  else if (l.type === 'scalar' && r.type === 'vector') out = vectorScalar(e, r.samples, l.v, true, t);
  else throw new PromQLEvalError('binary expression must contain only scalar and instant vector types');
  checkUnique(out);
  return { type: 'vector', samples: out };
}

/** Applies an operator to two numbers: the value and, for comparisons, whether it holds. */
export function scalarOp(op: string, a: number, b: number): [number, boolean] {
  switch (op) {
    case '+':
      return [a + b, true];
    case '-':
      return [a - b, true];
    case '*':
      return [a * b, true];
    case '/':
      return [a / b, true];
    case '%':
      return [a % b, true];
    case '^':
      return [pow(a, b), true];
    case 'atan2':
      return [Math.atan2(a, b), true];
    case '==':
      return [a, a === b];
    case '!=':
      return [a, a !== b];
    case '>':
      return [a, a > b];
    case '<':
      return [a, a < b];
    case '>=':
      return [a, a >= b];
    case '<=':
      return [a, a <= b];
    default:
      throw new PromQLEvalError(`operator "${op}" not allowed for scalar operations`);
  }
}

/** Go's math.Pow where it differs from Math.pow (1^NaN and (-1)^±Inf are 1). */
function pow(a: number, b: number): number {
  if (a === 1) return 1;
  if (a === -1 && !Number.isFinite(b) && !Number.isNaN(b)) return 1;
  return a ** b;
}

function vectorScalar(e: Binary, vec: Sample[], s: number, swap: boolean, t: number): Sample[] {
  const out: Sample[] = [];
  const cmp = isComparison(e.op);
  for (const x of vec) {
    let [v, keep] = swap ? scalarOp(e.op, s, x.v) : scalarOp(e.op, x.v, s);
    if (cmp && swap) v = x.v;
    if (e.bool) {
      v = keep ? 1 : 0;
      keep = true;
    }
    if (!keep) continue;
    const metric = DROPS_NAME.has(e.op) || e.bool ? dropName(x.metric) : x.metric;
    out.push({ metric, v, t });
  }
  return out;
}

/** The signature samples are matched on. */
function signature(m: VectorMatching): (l: Labels) => string {
  if (m.on) {
    return (l) => {
      let k = '';
      for (const n of [...m.labels].sort()) k += `${n}\xff${l[n] ?? ''}\xfe`;
      return k;
    };
  }
  const skip = new Set([...m.labels, '__name__']);
  return (l) => {
    const kept: Record<string, string> = {};
    for (const [n, v] of Object.entries(l)) if (!skip.has(n)) kept[n] = v;
    return labelsKey(kept);
  };
}

const ONE_TO_ONE: VectorMatching = { card: 'one-to-one', on: false, labels: [], include: [] };

function vectorVector(e: Binary, lhs: Sample[], rhs: Sample[], t: number): Sample[] {
  const m = e.matching ?? ONE_TO_ONE;
  const sig = signature(m);
  if (e.op === 'and' || e.op === 'or' || e.op === 'unless') return setOp(e.op, lhs, rhs, sig);
  if (m.card === 'many-to-many') throw new PromQLEvalError('many-to-many only allowed for set operators');
  // As 2.42: nothing can match, so the duplicate checks below never run.
  if (lhs.length === 0 || rhs.length === 0) return [];
  const swap = m.card === 'one-to-many';
  const [many, one] = swap ? [rhs, lhs] : [lhs, rhs];
  const oneBySig = new Map<string, Sample>();
  for (const s of one) {
    const k = sig(s.metric);
    const dup = oneBySig.get(k);
    if (dup) {
      const side = swap ? 'left' : 'right';
      throw new PromQLEvalError(
        `found duplicate series for the match group ${matchGroup(s.metric, m)} on the ${side} hand-side of the operation: [${formatLabels(s.metric)}, ${formatLabels(dup.metric)}];many-to-many matching not allowed: matching labels must be unique on one side`,
      );
    }
    oneBySig.set(k, s);
  }
  const matched = new Map<string, Set<string> | null>();
  const out: Sample[] = [];
  for (const ls of many) {
    const k = sig(ls.metric);
    const rs = oneBySig.get(k);
    if (!rs) continue;
    const [vl, vr] = swap ? [rs.v, ls.v] : [ls.v, rs.v];
    let [v, keep] = scalarOp(e.op, vl, vr);
    if (e.bool) {
      v = keep ? 1 : 0;
      keep = true;
    }
    if (!keep) continue;
    let metric = resultMetric(ls.metric, rs.metric, e.op, m);
    if (e.bool) metric = dropName(metric);
    if (m.card === 'one-to-one') {
      if (matched.has(k))
        throw new PromQLEvalError(
          `multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)`,
        );
      matched.set(k, null);
    } else {
      let seen = matched.get(k);
      if (!seen) matched.set(k, (seen = new Set()));
      const mk = labelsKey(metric);
      if (seen.has(mk))
        throw new PromQLEvalError('multiple matches for labels: grouping labels must ensure unique matches');
      seen.add(mk);
    }
    out.push({ metric, v, t });
  }
  return out;
}

function matchGroup(l: Labels, m: VectorMatching): string {
  const kept: Record<string, string> = {};
  for (const [n, v] of Object.entries(l)) if (m.on === m.labels.includes(n)) kept[n] = v;
  return formatLabels(kept);
}

function resultMetric(l: Labels, r: Labels, op: string, m: VectorMatching): Labels {
  const out: Record<string, string> = { ...l };
  if (DROPS_NAME.has(op)) delete out.__name__;
  if (m.card === 'one-to-one') {
    if (m.on) {
      for (const n of Object.keys(out)) if (!m.labels.includes(n)) delete out[n];
    } else {
      for (const n of m.labels) delete out[n];
    }
  }
  for (const n of m.include) {
    const v = r[n];
    if (v !== undefined && v !== '') out[n] = v;
    else delete out[n];
  }
  return out;
}

function setOp(op: string, lhs: Sample[], rhs: Sample[], sig: (l: Labels) => string): Sample[] {
  if (op === 'or') {
    const left = new Set(lhs.map((s) => sig(s.metric)));
    return [...lhs, ...rhs.filter((s) => !left.has(sig(s.metric)))];
  }
  const right = new Set(rhs.map((s) => sig(s.metric)));
  return op === 'and'
    ? lhs.filter((s) => right.has(sig(s.metric)))
    : lhs.filter((s) => !right.has(sig(s.metric)));
}
