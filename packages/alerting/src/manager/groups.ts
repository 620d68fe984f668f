import type { Labels, TimerHandle } from '@argus/core';
import type { Route } from './config.js';

/** A growable list of alert slots. */
export class SlotList {
  private a = new Int32Array(8);
  private n = 0;

  get size(): number {
    return this.n;
  }

  push(slot: number): void {
    if (this.n === this.a.length) {
      const b = new Int32Array(this.n * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = slot;
  }

  /** A copy of the slots, in insertion order. */
  toArray(): number[] {
    return Array.from(this.a.subarray(0, this.n));
  }

  /** Keeps the slots for which `keep` is true, in order. */
  retain(keep: (slot: number) => boolean): void {
    let w = 0;
    for (let r = 0; r < this.n; r++) {
      const s = this.a[r]!;
      if (keep(s)) this.a[w++] = s;
    }
    this.n = w;
  }
}

/** An aggregation group. */
export interface Group {
  /** Unique among live groups; slots remember their groups by it. */
  readonly id: number;
  readonly key: string;
  readonly route: Route;
  readonly labels: Labels;
  readonly members: SlotList;
  /** The group-by values that find it in the index. */
  readonly path: readonly GroupPathKey[];
  hasFlushed: boolean;
  /** A flush at once is already scheduled. */
  dueNow: boolean;
  timer: TimerHandle | undefined;
}

/** A group-by value, or {@link MISSING} for an alert without the label (which differs from an empty value). */
export type GroupPathKey = string | typeof MISSING;
const MISSING: unique symbol = Symbol('missing');

type Node = Map<GroupPathKey, Node | Group>;

/**
 * Finds an alert's group on a route through nested maps keyed by its group-by values: the values are strings the
 * alert already holds, so a lookup builds no key string. `...` groups by fingerprint.
 */
export class GroupIndex {
  private readonly roots = new Map<Route, Node>();

  /** The group of `labels` on `route`, or undefined. */
  get(route: Route, labels: Labels, fp: string): Group | undefined {
    let node = this.roots.get(route);
    const by = route.groupBy;
    if (by === 'all') return node?.get(fp) as Group | undefined;
    const last = by.length - 1;
    for (let j = 0; node && j < last; j++) node = node.get(labels[by[j]!] ?? MISSING) as Node | undefined;
    // a route without group_by has one group, under the MISSING key
    return node?.get(last < 0 ? MISSING : (labels[by[last]!] ?? MISSING)) as Group | undefined;
  }

  /** The path of `labels` on `route`, for a new group. */
  pathOf(route: Route, labels: Labels, fp: string): GroupPathKey[] {
    const by = route.groupBy;
    if (by === 'all') return [fp];
    return by.length === 0 ? [MISSING] : by.map((l) => labels[l] ?? MISSING);
  }

  /** Adds a new group under its path. */
  add(g: Group): void {
    let node = this.roots.get(g.route);
    if (!node) this.roots.set(g.route, (node = new Map()));
    for (let j = 0; j < g.path.length - 1; j++) {
      let next = node.get(g.path[j]!) as Node | undefined;
      if (!next) node.set(g.path[j]!, (next = new Map()));
      node = next;
    }
    node.set(g.path.at(-1)!, g);
  }

  /** Removes an (empty) group and the maps left empty on its path. */
  delete(g: Group): void {
    const nodes: Node[] = [];
    let node = this.roots.get(g.route);
    for (let j = 0; node && j < g.path.length - 1; j++) {
      nodes.push(node);
      node = node.get(g.path[j]!) as Node | undefined;
    }
    if (!node || node.get(g.path.at(-1)!) !== g) return;
    node.delete(g.path.at(-1)!);
    for (let j = nodes.length - 1; j >= 0 && node.size === 0; j--) {
      nodes[j]!.delete(g.path[j]!);
      node = nodes[j]!;
    }
    if (this.roots.get(g.route)?.size === 0) this.roots.delete(g.route);
  }
}
