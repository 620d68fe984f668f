import { growF64, growU8, windowStart } from './arrays.js';

/** How a window's samples are reduced to one value. */
export type Reducer = 'sum' | 'avg' | 'min' | 'max' | 'count' | 'last' | 'quantile';

/** Called for each closed window: the slot, the window start (ms) and the reduced value. */
export type EmitWindow = (slot: number, start: number, value: number) => void;

/**
 * One open time window per slot (a series or a group), in typed arrays indexed by slot: 33 bytes per slot,
 * plus, for `quantile` only, the window's values (bounded by the samples in one window).
 * Windows are aligned to the epoch: [k·stepMs, (k+1)·stepMs).
 */
export class Windows {
  private start = new Float64Array(0);
  private acc = new Float64Array(0);
  private cnt = new Float64Array(0);
  private lastT = new Float64Array(0);
  private isOpen = new Uint8Array(0);
  private readonly samples: number[][] = [];

  constructor(
    private readonly fn: Reducer,
    private readonly stepMs: number,
    private readonly q = 0.5,
  ) {}

  /**
   * Adds a sample. A sample in a later window than the slot's open one closes (emits) it first.
   * Returns false for a late sample (in a window before the open one), which is not added.
   */
  add(slot: number, t: number, v: number, emit: EmitWindow): boolean {
    this.ensure(slot);
    const w = windowStart(t, this.stepMs);
    if (this.isOpen[slot] === 1) {
      const cur = this.start[slot]!;
      if (w < cur) return false;
      if (w > cur) this.close(slot, emit);
    }
    if (this.isOpen[slot] === 0) this.open(slot, w);
    this.fold(slot, t, v);
    return true;
  }

  /** Emits and closes the slot's open window, if any. */
  close(slot: number, emit: EmitWindow): void {
    if (slot >= this.isOpen.length || this.isOpen[slot] === 0) return;
    this.isOpen[slot] = 0;
    emit(slot, this.start[slot]!, this.result(slot));
    if (this.fn === 'quantile') this.samples[slot] = [];
  }

  /** Emits and closes every open window, in slot order. */
  closeAll(emit: EmitWindow): void {
    for (let s = 0; s < this.isOpen.length; s++) this.close(s, emit);
  }

  private ensure(slot: number): void {
    if (slot < this.isOpen.length) return;
    const n = slot + 1;
    this.start = growF64(this.start, n);
    this.acc = growF64(this.acc, n);
    this.cnt = growF64(this.cnt, n);
    this.lastT = growF64(this.lastT, n);
    this.isOpen = growU8(this.isOpen, n);
  }

  private open(slot: number, w: number): void {
    this.isOpen[slot] = 1;
    this.start[slot] = w;
    this.acc[slot] = this.fn === 'min' || this.fn === 'max' ? Number.NaN : 0;
    this.cnt[slot] = 0;
    this.lastT[slot] = Number.NEGATIVE_INFINITY;
  }

  private fold(slot: number, t: number, v: number): void {
    this.cnt[slot]!++;
    const a = this.acc[slot]!;
    switch (this.fn) {
      case 'sum':
      case 'avg':
        this.acc[slot] = a + v;
        break;
      // as in PromQL, NaN loses to any number: min/max are NaN only when every sample is
      case 'min':
        if (Number.isNaN(a) || v < a) this.acc[slot] = v;
        break;
      case 'max':
        if (Number.isNaN(a) || v > a) this.acc[slot] = v;
        break;
      case 'last':
        if (t >= this.lastT[slot]!) {
          this.lastT[slot] = t;
          this.acc[slot] = v;
        }
        break;
      case 'quantile':
        if (!Number.isNaN(v)) (this.samples[slot] ??= []).push(v);
        break;
      case 'count':
        break;
    }
  }

  private result(slot: number): number {
    switch (this.fn) {
      case 'avg':
        return this.acc[slot]! / this.cnt[slot]!;
      case 'count':
        return this.cnt[slot]!;
      case 'quantile':
        return quantile(this.samples[slot] ?? [], this.q);
      default:
        return this.acc[slot]!;
    }
  }
}

/** The φ-quantile with linear interpolation between closest ranks, as PromQL's `quantile_over_time`. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = q * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const w = rank - lo;
  return sorted[lo]! * (1 - w) + sorted[hi]! * w;
}
