// Aggregation operators with Prometheus 2.42's semantics (promql/engine.go aggregation()).

import type { Aggregate, Expr } from '../parser/ast.js';
import { PromQLEvalError } from '../parser/errors.js';
import type { Labels } from '../queryable.js';
import type { TimeSlice } from '../time-slice.js';
import { formatFloat } from './format.js';
import { accumulate, finish, type Group, newGroup } from './group-values.js';
import type { Operands, StepView } from './operands.js';
import { selectK } from './topk.js';
import { labelsKey, type Sample } from './values.js';

/** Evaluates an aggregation at `t`. */
export function evalAggregate(ev: Operands, e: Aggregate, t: number): Sample[] {
  if (!e.param) {
    const out = aggregateColumns(ev, e, t);
    if (out) return out;
  }
  const input = ev.vector(e.expr, t);
  let param = Number.NaN;
  let label = '';
  if (e.param) {
    const p = ev.eval(e.param, t);
    if (p.type === 'scalar') param = p.v;
    else if (p.type === 'string') label = p.s;
  }
  if (e.op === 'count_values') return countValues(ev, e, input, label, t);
  const k = Math.trunc(param);
  if ((e.op === 'topk' || e.op === 'bottomk') && !(k >= 1)) return [];
  // Groups in the order their first sample came, as Prometheus's map-then-list order gives them.
  const groups: Group[] = [];
  const bySlot: (Group | undefined)[] = [];
  const keepSamples = e.op === 'topk' || e.op === 'bottomk' || e.op === 'quantile';
  for (const s of input) {
    const slot = slotOf(ev, e, s.metric);
    const g = bySlot[slot.id];
    if (!g) {
      const group = newGroup(e.op, slot.metric, s.v, keepSamples ? [s] : []);
      bySlot[slot.id] = group;
      groups.push(group);
      continue;
    }
    if (keepSamples) g.samples.push(s);
    accumulate(e.op, g, s.v);
  }
  return finishGroups(e, groups, k, param, t);
}

/**
 * The aggregations that need neither their samples nor a parameter, over an input computed ahead as columns:
 * the same groups in the same order as the loop over samples, without making a Sample per series and step
 * (a range query's steps times its series) or looking each series' group up again at every step.
 */
function aggregateColumns(ev: Operands, e: Aggregate, t: number): Sample[] | undefined {
  const c = ev.columnsAt?.(unwrapParens(e.expr), t);
  if (!c) return undefined;
  const slots = slotsOfColumns(ev, e, c.metrics);
  const ahead = slotsFor(ev, e).folded;
  const groups =
    ahead && ahead.values === c.values && ahead.offset === c.offset && ahead.slots === slots
      ? ahead.groups
      : foldColumns(e.op, c, slots, 0, slots.length, [], []);
  return finishGroups(e, groups, 0, Number.NaN, t);
}

/**
 * aggregateColumns' loop over the series `from` to `to`, a function of its own. An instant query calls
 * aggregateColumns once, and V8 optimised it whole through its loop (on-stack replacement); that code deoptimised
 * on entry for want of type feedback ahead of the loop, was optimised again, and in some processes deoptimised
 * again at nearly every one of the first twenty queries after a store opened (`--trace-deopt`). Here the loop is
 * optimised on its own.
 */
function foldColumns(
  op: string,
  c: StepView,
  slots: readonly Slot[],
  from: number,
  to: number,
  groups: Group[],
  bySlot: (Group | undefined)[],
): Group[] {
  for (let j = from, i = c.offset + from; j < to; j++, i++) {
    if (!c.has[i]) continue;
    const v = c.values[i]!;
    const slot = slots[j]!;
    const g = bySlot[slot.id];
    if (g) accumulate(op, g, v);
    else groups.push((bySlot[slot.id] = newGroup(op, slot.metric, v, [])));
  }
  return groups;
}

/** Series folded between two checkpoints by {@link foldInSlices}. */
const FOLD_CHUNK = 1024;

/**
 * Folds the one step of an instant aggregation over columns ahead of evaluation, with checkpoints between chunks
 * (the same groups, in the same order, summed in the same order as aggregateColumns would). Warm, ten thousand
 * series fold in a fifth of a millisecond; in the first queries after a store opens the loop runs interpreted and
 * took 10–15 ms of CPU, in one piece inside the evaluation.
 */
export async function foldInSlices(ev: Operands, e: Aggregate, t: number, slice: TimeSlice): Promise<void> {
  if (e.param) return;
  const c = ev.columnsAt?.(unwrapParens(e.expr), t);
  if (!c) return;
  const slots = slotsOfColumns(ev, e, c.metrics);
  const groups: Group[] = [];
  const bySlot: (Group | undefined)[] = [];
  for (let j = 0; j < slots.length; j += FOLD_CHUNK) {
    if (slice.due()) await slice.checkpoint();
    foldColumns(e.op, c, slots, j, Math.min(slots.length, j + FOLD_CHUNK), groups, bySlot);
  }
  slotsFor(ev, e).folded = { values: c.values, offset: c.offset, slots, groups };
}

function finishGroups(e: Aggregate, groups: readonly Group[], k: number, param: number, t: number): Sample[] {
  const out: Sample[] = [];
  for (const g of groups) {
    if (e.op === 'topk' || e.op === 'bottomk') out.push(...selectK(e.op, g.samples, k));
    else out.push({ metric: g.metric, v: finish(e.op, g, param), t });
  }
  return out;
}

// The same input label sets recur at every step of a range query: each input set is mapped once per
// aggregation to a slot (the group's label set and a small number), so that a step groups its samples by array
// index instead of keying every label set. Input sets with the same group labels share one slot. Slots live
// as long as the evaluator (one query, or one block of a range query), so series that come and go in a
// long-running rule do not pile up.
interface Slot {
  readonly metric: Labels;
  readonly id: number;
}
interface Slots {
  /** The slot of each series of an input computed ahead, by its metrics array (the same at every step). */
  readonly byColumns: WeakMap<readonly Labels[], Slot[]>;
  // a Map, not a WeakMap: it lives only as long as the evaluator, and inserting ten thousand keys into a WeakMap
  // at every query costs more than the grouping it saves
  readonly byInput: Map<Labels, Slot>;
  readonly byKey: Map<string, Slot>;
  /** One step's groups folded ahead (foldInSlices), and the columns, step and slots they were folded from. */
  folded?: { values: Float64Array; offset: number; slots: readonly Slot[]; groups: Group[] };
}
const slotCache = new WeakMap<Operands, Map<Aggregate, Slots>>();

function slotsFor(ev: Operands, e: Aggregate): Slots {
  let byNode = slotCache.get(ev);
  if (!byNode) slotCache.set(ev, (byNode = new Map()));
  let slots = byNode.get(e);
  if (!slots) byNode.set(e, (slots = { byColumns: new WeakMap(), byInput: new Map(), byKey: new Map() }));
  return slots;
}

function slotsOfColumns(ev: Operands, e: Aggregate, metrics: readonly Labels[]): Slot[] {
  const slots = slotsFor(ev, e);
  let out = slots.byColumns.get(metrics);
  if (!out) slots.byColumns.set(metrics, (out = metrics.map((l) => slotOf(ev, e, l))));
  return out;
}

function slotOf(ev: Operands, e: Aggregate, l: Labels): Slot {
  const slots = slotsFor(ev, e);
  let slot = slots.byInput.get(l);
  if (slot) return slot;
  slot = groupSlot(slots, e, l);
  slots.byInput.set(l, slot);
  return slot;
}

/** The slot of the group `l` falls in, made on first sight of the group. */
function groupSlot(slots: Slots, e: Aggregate, l: Labels): Slot {
  // `by`: the key is the grouping labels' values, read straight off the input set; the group's label set is
  // made once per group. (Caching group labels per input set cost more than this: a WeakMap entry per series.)
  const metric = e.without ? cachedGroupLabels(l, e.grouping, true) : undefined;
  const key = metric ? labelsKey(metric) : byValues(l, e.grouping);
  let slot = slots.byKey.get(key);
  if (!slot) {
    const m = metric ?? groupLabels(l, e.grouping, false);
    slots.byKey.set(key, (slot = { metric: m, id: slots.byKey.size }));
  }
  return slot;
}

/**
 * A key equal for two label sets exactly when `by (grouping)` puts them in one group: the values of the
 * grouping labels, an absent label as the empty value (groupLabels drops both alike), each prefixed with its
 * length so that no value can pass for two.
 */
function byValues(l: Labels, grouping: readonly string[]): string {
  if (grouping.length === 1) return l[grouping[0]!] ?? '';
  let k = '';
  for (const n of grouping) {
    const v = l[n] ?? '';
    k += `${v.length}:${v}`;
  }
  return k;
}

/** Input label sets grouped between two checkpoints. */
const GROUP_CHUNK = 256;

/**
 * Maps the label sets an aggregation will read to their groups ahead of its steps, with checkpoints between
 * chunks: over ten thousand series that grouping is most of an aggregation's cost, and done at the first step
 * it would hold the event loop in one piece.
 */
export async function groupInSlices(
  ev: Operands,
  e: Aggregate,
  inputs: readonly Labels[],
  slice: TimeSlice,
): Promise<void> {
  const slots = slotsFor(ev, e);
  if (slots.byColumns.has(inputs)) return;
  // straight into the columns' slot array: keying ten thousand label objects in `byInput` as well cost more
  // than the grouping (each new object key gets a hash stored on the object)
  const out: Slot[] = new Array(inputs.length);
  for (let i = 0; i < inputs.length; i++) {
    if (i % GROUP_CHUNK === 0 && slice.due()) await slice.checkpoint();
    out[i] = groupSlot(slots, e, inputs[i]!);
  }
  slots.byColumns.set(inputs, out);
}

// `without`: a store hands out the same label objects query after query, so each input set's group labels (and,
// through labelsKey's cache on that object, their key) are kept with the input set, per grouping, for as long as
// the input set lives: a rule evaluated every minute over ten thousand series groups them once, not every time.
const groupCache = new WeakMap<Labels, Map<string, Labels>>();

function cachedGroupLabels(l: Labels, grouping: readonly string[], without: boolean): Labels {
  const how = `${without ? '-' : '+'}${grouping.join('\xff')}`;
  let byHow = groupCache.get(l);
  if (!byHow) groupCache.set(l, (byHow = new Map()));
  let g = byHow.get(how);
  if (!g) byHow.set(how, (g = groupLabels(l, grouping, without)));
  return g;
}

/** The labels a sample is grouped under: `by` keeps the listed ones, `without` drops them and the name. */
export function groupLabels(l: Labels, grouping: readonly string[], without: boolean): Labels {
  const out: Record<string, string> = {};
  if (without) {
    for (const [n, v] of Object.entries(l)) if (n !== '__name__' && !grouping.includes(n)) out[n] = v;
  } else {
    for (const n of grouping) if (l[n] !== undefined && l[n] !== '') out[n] = l[n];
  }
  return out;
}

/** The expression inside any parentheses. */
export const unwrapParens = (e: Expr): Expr => (e.type === 'paren' ? unwrapParens(e.expr) : e);

function countValues(ev: Operands, e: Aggregate, input: Sample[], label: string, t: number): Sample[] {
  if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(label)) throw new PromQLEvalError(`invalid label name "${label}"`);
  const counts = new Map<string, { metric: Labels; n: number }>();
  for (const s of input) {
    const metric = { ...slotOf(ev, e, s.metric).metric, [label]: formatFloat(s.v) };
    const key = labelsKey(metric);
    const c = counts.get(key);
    if (c) c.n++;
    else counts.set(key, { metric, n: 1 });
  }
  return [...counts.values()].map((c) => ({ metric: c.metric, v: c.n, t }));
}
