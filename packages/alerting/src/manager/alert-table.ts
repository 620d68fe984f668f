import type { Alert, Labels } from '@argus/core';
import { FingerprintIndex } from './fp-index.js';

/** One alert as the manager persists and shows it. Times in ms since epoch. */
export interface AlertRecord {
  labels: Labels;
  annotations: Readonly<Record<string, string>>;
  fingerprint: string;
  startsAt: number;
  /** Set once resolved. */
  endsAt?: number;
  generatorURL?: string;
  origin: string;
  updatedAt: number;
  /** Times of recent state changes, for flap detection. */
  changes: number[];
  flapping: boolean;
  /** While flapping: the state notifications keep showing (damping). */
  frozen?: { endsAt?: number };
  ack?: { by: string; at: number; comment?: string };
}

type Ack = NonNullable<AlertRecord['ack']>;

function grown<T extends Float64Array | Int32Array | Uint8Array>(
  a: T,
  make: (n: number) => T,
  fill?: number,
): T {
  const b = make(a.length * 2);
  b.set(a);
  if (fill !== undefined) b.fill(fill, a.length);
  return b;
}

/**
 * The active alerts, one slot each, as columns: numbers in typed arrays, references (labels, annotations kept as
 * the alerter made them, immutable by the core's model) in plain arrays, rare state (acks, flap history, frozen
 * state, membership in more than one group) in maps by slot. Ingesting a new alert allocates nothing per alert,
 * which is what keeps a million active alerts cheap for the collector and small in memory.
 */
export class AlertTable {
  /** `undefined` marks a free slot. */
  readonly fp: (string | undefined)[] = [];
  private readonly index: FingerprintIndex = new FingerprintIndex(this.fp);
  readonly labels: (Labels | undefined)[] = [];
  readonly annotations: (Readonly<Record<string, string>> | undefined)[] = [];
  readonly origin: (string | undefined)[] = [];
  readonly generatorURL: (string | undefined)[] = [];
  startsAt: Float64Array = new Float64Array(1024);
  /** NaN while firing. */
  endsAt: Float64Array = new Float64Array(1024).fill(Number.NaN);
  updatedAt: Float64Array = new Float64Array(1024);
  flapping: Uint8Array = new Uint8Array(1024);
  /** How many aggregation groups hold the alert. */
  groupCount: Int32Array = new Int32Array(1024);
  /** Id + 1 of the first group holding the alert (0: none); the others are in `moreGroups`. */
  firstGroup: Int32Array = new Int32Array(1024);
  readonly moreGroups: Map<number, number[]> = new Map();
  /** The only recent change time (NaN: none); two or more live in `moreChanges`. */
  change0: Float64Array = new Float64Array(1024).fill(Number.NaN);
  readonly moreChanges: Map<number, number[]> = new Map();
  readonly acks: Map<number, Ack> = new Map();
  readonly frozen: Map<number, { endsAt?: number }> = new Map();
  /** Annotations a background investigation attached; kept over the alerter's re-sends until the alert re-fires. */
  readonly attached: Map<number, Readonly<Record<string, string>>> = new Map();
  private readonly free: number[] = [];
  private top = 0;

  get size(): number {
    return this.index.size;
  }

  /** The slot of `fp`, or -1. */
  slotOf(fp: string): number {
    return this.index.get(fp);
  }

  /** Calls `fn` with every occupied slot. */
  forEach(fn: (slot: number) => void): void {
    for (let s = 0; s < this.top; s++) if (this.fp[s] !== undefined) fn(s);
  }

  /** A new firing alert (the caller sets `updatedAt`: a time passed per call would be boxed per call). */
  add(al: Alert, fp: string): number {
    const s = this.free.pop() ?? this.top++;
    if (s >= this.startsAt.length) this.grow();
    this.fp[s] = fp;
    this.labels[s] = al.labels;
    this.annotations[s] = al.annotations;
    this.origin[s] = al.origin;
    this.generatorURL[s] = al.generatorURL;
    this.startsAt[s] = al.startsAt;
    this.endsAt[s] = Number.NaN;
    this.index.set(fp, s);
    return s;
  }

  /** A persisted alert. */
  load(r: AlertRecord): number {
    const s = this.add({ ...r, state: 'firing' }, r.fingerprint);
    this.updatedAt[s] = r.updatedAt;
    this.endsAt[s] = r.endsAt ?? Number.NaN;
    this.flapping[s] = r.flapping ? 1 : 0;
    this.setChanges(s, r.changes ?? []);
    if (r.frozen) this.frozen.set(s, r.frozen);
    if (r.ack) this.acks.set(s, r.ack);
    return s;
  }

  remove(s: number): void {
    const fp = this.fp[s];
    if (fp === undefined) return;
    this.index.delete(fp, s);
    this.fp[s] = undefined;
    this.labels[s] = undefined;
    this.annotations[s] = undefined;
    this.origin[s] = undefined;
    this.generatorURL[s] = undefined;
    this.flapping[s] = 0;
    this.groupCount[s] = 0;
    this.firstGroup[s] = 0;
    this.change0[s] = Number.NaN;
    this.moreGroups.delete(s);
    this.moreChanges.delete(s);
    this.acks.delete(s);
    this.frozen.delete(s);
    this.attached.delete(s);
    this.free.push(s);
  }

  /** Recent change times, oldest first. */
  changes(s: number): number[] {
    const more = this.moreChanges.get(s);
    if (more) return more;
    return Number.isNaN(this.change0[s]!) ? [] : [this.change0[s]!];
  }

  setChanges(s: number, times: number[]): void {
    if (times.length > 1) {
      this.moreChanges.set(s, times);
      return;
    }
    this.moreChanges.delete(s);
    this.change0[s] = times[0] ?? Number.NaN;
  }

  /** Records a state change at `now`, forgetting those older than the window; returns how many are left. */
  noteChange(s: number, now: number, windowMs: number): number {
    const more = this.moreChanges.size > 0 ? this.moreChanges.get(s) : undefined;
    if (!more) {
      // the common case, one change (a new alert): no array at all
      const c0 = this.change0[s]!;
      if (Number.isNaN(c0) || c0 <= now - windowMs) {
        this.change0[s] = now;
        return 1;
      }
      this.moreChanges.set(s, [c0, now]);
      return 2;
    }
    const kept = more.filter((x) => x > now - windowMs);
    kept.push(now);
    this.setChanges(s, kept);
    return kept.length;
  }

  /** Whether the group with id `gid` holds the alert. */
  inGroup(s: number, gid: number): boolean {
    const first = this.firstGroup[s]!;
    if (first === gid + 1) return true;
    // a slot with no first group has no others (leaveGroup promotes the next one)
    if (first === 0 || this.moreGroups.size === 0) return false;
    return this.moreGroups.get(s)?.includes(gid) ?? false;
  }

  joinGroup(s: number, gid: number): void {
    this.groupCount[s]!++;
    if (this.firstGroup[s] === 0) this.firstGroup[s] = gid + 1;
    else {
      const more = this.moreGroups.get(s);
      if (more) more.push(gid);
      else this.moreGroups.set(s, [gid]);
    }
  }

  /** Leaves the group; returns how many groups still hold the alert. */
  leaveGroup(s: number, gid: number): number {
    const more = this.moreGroups.get(s);
    if (this.firstGroup[s] === gid + 1) {
      const next = more?.shift();
      this.firstGroup[s] = next === undefined ? 0 : next + 1;
    } else if (more) {
      const i = more.indexOf(gid);
      if (i >= 0) more.splice(i, 1);
    }
    if (more?.length === 0) this.moreGroups.delete(s);
    return --this.groupCount[s]!;
  }

  /** The alert as persisted and shown. */
  record(s: number): AlertRecord {
    const ends = this.endsAt[s]!;
    const frozen = this.frozen.get(s);
    const ack = this.acks.get(s);
    const url = this.generatorURL[s];
    return {
      labels: this.labels[s]!,
      annotations: this.annotations[s]!,
      fingerprint: this.fp[s]!,
      startsAt: this.startsAt[s]!,
      ...(Number.isNaN(ends) ? {} : { endsAt: ends }),
      ...(url ? { generatorURL: url } : {}),
      origin: this.origin[s]!,
      updatedAt: this.updatedAt[s]!,
      changes: [...this.changes(s)],
      flapping: this.flapping[s] === 1,
      ...(frozen ? { frozen } : {}),
      ...(ack ? { ack } : {}),
    };
  }

  private grow(): void {
    this.startsAt = grown(this.startsAt, (n) => new Float64Array(n));
    this.endsAt = grown(this.endsAt, (n) => new Float64Array(n), Number.NaN);
    this.updatedAt = grown(this.updatedAt, (n) => new Float64Array(n));
    this.flapping = grown(this.flapping, (n) => new Uint8Array(n));
    this.groupCount = grown(this.groupCount, (n) => new Int32Array(n));
    this.firstGroup = grown(this.firstGroup, (n) => new Int32Array(n));
    this.change0 = grown(this.change0, (n) => new Float64Array(n), Number.NaN);
  }
}
