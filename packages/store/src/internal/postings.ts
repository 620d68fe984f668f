import type { LabelMatcher } from '@argus/core';

/** What the index keeps per series: its label set. */
interface Posted {
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * An inverted index, label name → value → series (Prometheus's postings), so that a selector reads the series
 * of its metric instead of testing every series of the store: a rule group of 100 small queries over a store
 * of 11,000 series tested 1.1 million label sets, most of the group's time and one long block of the event loop.
 * Sets keep insertion order and each series gets a sequence number, so candidates come out in the order the
 * store created the series, the order a full scan returns.
 */
export class Postings<S extends Posted> {
  private readonly byName = new Map<string, Map<string, Set<S>>>();
  private readonly seq = new Map<S, number>();
  private next = 0;

  add(s: S): void {
    this.seq.set(s, this.next++);
    for (const [name, value] of Object.entries(s.labels)) {
      let values = this.byName.get(name);
      if (!values) {
        values = new Map();
        this.byName.set(name, values);
      }
      let set = values.get(value);
      if (!set) {
        set = new Set();
        values.set(value, set);
      }
      set.add(s);
    }
  }

  remove(s: S): void {
    if (!this.seq.delete(s)) return;
    for (const [name, value] of Object.entries(s.labels)) {
      const values = this.byName.get(name);
      const set = values?.get(value);
      if (!set) continue;
      set.delete(s);
      if (set.size > 0) continue;
      values!.delete(value);
      if (values!.size === 0) this.byName.delete(name);
    }
  }

  /**
   * A superset of the series that match, in creation order, narrowed by the most selective matcher that needs
   * the label to be present (`name="v"` with v non-empty, or `name=~re` where re does not match ""); undefined
   * when no matcher narrows (the caller scans every series). Callers still test every matcher on each candidate.
   */
  candidates(matchers: readonly LabelMatcher[]): readonly S[] | undefined {
    let best: Set<S>[] | undefined;
    let bestSize = Number.POSITIVE_INFINITY;
    for (const m of matchers) {
      const sets = this.setsFor(m);
      if (!sets) continue;
      let size = 0;
      for (const set of sets) size += set.size;
      if (size < bestSize) {
        best = sets;
        bestSize = size;
      }
    }
    if (!best) return undefined;
    if (best.length === 1) return [...best[0]!];
    const out: S[] = [];
    for (const set of best) for (const s of set) out.push(s);
    // several values of one label: merge back into creation order
    return out.sort((a, b) => this.seq.get(a)! - this.seq.get(b)!);
  }

  /** The posting sets whose union holds every series `m` can match, or undefined when `m` matches absent labels. */
  private setsFor(m: LabelMatcher): Set<S>[] | undefined {
    const values = this.byName.get(m.name);
    if (m.op === '=') {
      // name="" matches series without the label, which the index does not list
      if (m.value === '') return undefined;
      const set = values?.get(m.value);
      return set ? [set] : [];
    }
    if (m.op === '=~' && m.regex && !m.regex.test('')) {
      const sets: Set<S>[] = [];
      if (values) for (const [value, set] of values) if (m.regex.test(value)) sets.push(set);
      return sets;
    }
    return undefined;
  }
}
