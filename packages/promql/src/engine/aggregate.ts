// Aggregation operators with Prometheus 2.42's semantics (promql/engine.go aggregation()).

import { quantile } from '../functions/stats.js';
import type { Aggregate } from '../parser/ast.js';
import { PromQLEvalError } from '../parser/errors.js';
import type { Labels } from '../queryable.js';
import type { TimeSlice } from '../time-slice.js';
import { formatFloat } from './format.js';
import type { Operands } from './operands.js';
import { selectK } from './topk.js';
import { labelsKey, type Sample } from './values.js';

interface Group {
  readonly metric: Labels;
  value: number;
  mean: number;
  count: number;
  readonly samples: Sample[];
}

/** Evaluates an aggregation at `t`. */
export function evalAggregate(ev: Operands, e: Aggregate, t: number): Sample[] {
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
      const value = e.op === 'stddev' || e.op === 'stdvar' ? 0 : s.v;
      const group: Group = {
        metric: slot.metric,
        value,
        mean: s.v,
        count: 1,
        samples: keepSamples ? [s] : [],
      };
      bySlot[slot.id] = group;
      groups.push(group);
      continue;
    }
    if (keepSamples) g.samples.push(s);
    accumulate(e.op, g, s);
  }
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
  // a Map, not a WeakMap: it lives only as long as the evaluator, and inserting ten thousand keys into a WeakMap
  // at every query costs more than the grouping it saves
  readonly byInput: Map<Labels, Slot>;
  readonly byKey: Map<string, Slot>;
}
const slotCache = new WeakMap<Operands, Map<Aggregate, Slots>>();

function slotOf(ev: Operands, e: Aggregate, l: Labels): Slot {
  let byNode = slotCache.get(ev);
  if (!byNode) slotCache.set(ev, (byNode = new Map()));
  let slots = byNode.get(e);
  if (!slots) byNode.set(e, (slots = { byInput: new Map(), byKey: new Map() }));
  let slot = slots.byInput.get(l);
  if (slot) return slot;
  const metric = cachedGroupLabels(l, e.grouping, e.without);
  const key = labelsKey(metric);
  slot = slots.byKey.get(key);
  if (!slot) slots.byKey.set(key, (slot = { metric, id: slots.byKey.size }));
  slots.byInput.set(l, slot);
  return slot;
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
  for (let i = 0; i < inputs.length; i++) {
    if (i % GROUP_CHUNK === 0 && slice.due()) await slice.checkpoint();
    slotOf(ev, e, inputs[i]!);
  }
}

// A store hands out the same label objects query after query, so each input set's group labels (and, through
// labelsKey's cache on that object, their key) are kept with the input set, per grouping, for as long as the
// input set lives: a rule evaluated every minute over ten thousand series groups them once, not every time.
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

function accumulate(op: string, g: Group, s: Sample): void {
  switch (op) {
    case 'sum':
      g.value += s.v;
      break;
    case 'avg':
      g.count++;
      // An infinite mean stays as it is under finite values and the same infinity (Prometheus 2.42).
      if (isInf(g.mean) && ((isInf(s.v) && g.mean > 0 === s.v > 0) || Number.isFinite(s.v))) break;
      g.mean += s.v / g.count - g.mean / g.count;
      break;
    case 'count':
    case 'group':
      g.count++;
      break;
    case 'max':
      if (g.value < s.v || Number.isNaN(g.value)) g.value = s.v;
      break;
    case 'min':
      if (g.value > s.v || Number.isNaN(g.value)) g.value = s.v;
      break;
    case 'stddev':
    case 'stdvar': {
      // Welford's update from the first sample as mean, as 2.42 does (one -Inf sample gives 0, not NaN).
      g.count++;
      const delta = s.v - g.mean;
      g.mean += delta / g.count;
      g.value += delta * (s.v - g.mean);
      break;
    }
  }
}

const isInf = (v: number): boolean => v === Infinity || v === -Infinity;

function finish(op: string, g: Group, param: number): number {
  switch (op) {
    case 'avg':
      return g.mean;
    case 'count':
      return g.count;
    case 'group':
      return 1;
    case 'stdvar':
      return g.value / g.count;
    case 'stddev':
      return Math.sqrt(g.value / g.count);
    case 'quantile':
      return quantile(
        param,
        g.samples.map((s) => s.v),
      );
    default:
      return g.value;
  }
}

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
