import { type Labels, textHash } from '@argus/core';
import type { SeriesHead } from './parse-core.js';
import { isNameChar, MAX_SPANS, parseLabelBlock, SPAN, unescapeValue } from './series-text.js';

const NAME = '__name__';

/**
 * The label set of a scraped series: `__name__`, the page's labels without empty values, then the target's labels
 * (a clash keeps the page's label with `honor`, else renames it to `exported_<name>`, as Prometheus does). Frozen,
 * with string values: the series registry keeps it as is instead of copying it.
 */
export function seriesLabels(
  name: string,
  pairs: readonly string[],
  target: readonly (readonly [string, string])[],
  honor: boolean,
): Labels {
  const labels: Record<string, string> = { __name__: name };
  for (let i = 0; i < pairs.length; i += 2) {
    if (pairs[i + 1] !== '') labels[pairs[i]!] = pairs[i + 1]!;
  }
  for (const [name, value] of target) {
    const scraped = labels[name];
    if (scraped !== undefined) {
      if (honor) continue;
      let exported = `exported_${name}`;
      while (labels[exported] !== undefined) exported = `exported_${exported}`;
      labels[exported] = scraped;
    }
    if (value !== '') labels[name] = value;
  }
  return Object.freeze(labels);
}

/**
 * Builds the label set of a series from its text (name and label block, already checked on the page it came
 * from): what the series registry calls the first time someone asks for the labels of a series interned by text.
 */
export function labelBuilder(
  target: readonly (readonly [string, string])[],
  honor: boolean,
): (text: string) => Labels {
  return (text) => {
    let nameEnd = 0;
    while (nameEnd < text.length && isNameChar(text.charCodeAt(nameEnd))) nameEnd++;
    const pairs = nameEnd < text.length ? parseLabelBlock(text, nameEnd, text.length, 0, {}) : [];
    return seriesLabels(text.slice(0, nameEnd), pairs, target, honor);
  };
}

/**
 * Hashes a new series from its text and label spans (see `scanLabelBlock`) into core's `textHash`, as
 * {@link seriesLabels} would label it, without building a string or an object: the page's labels sorted by name
 * and merged with `__name__` and the target's labels (sorted once). The result is the fingerprint core computes
 * for that label set, so the registry finds one series under any label order or escaping.
 */
export class SeriesTextHasher {
  /** `__name__` and the target's labels with their values, sorted by name (`__name__`'s value is the page's). */
  private readonly fixedNames: string[];
  private readonly fixedValues: string[];
  /** Whether every target label name is a plain ASCII name (the fast path compares names by UTF-16 unit). */
  readonly usable: boolean;
  private readonly order = new Int32Array(MAX_SPANS);
  /**
   * The fixed labels sorted before all of a series' own (`__name__`, and often the target's `instance` and `job`)
   * hash alike for every series of one name: the state after them, for the last head and how many there were.
   */
  private memoHead: SeriesHead | undefined;
  private memoFixed = 0;
  private memoCount = 0;
  private memoHi = 0;
  private memoLo = 0;

  constructor(
    target: readonly (readonly [string, string])[],
    private readonly honor: boolean,
  ) {
    const fixed = [[NAME, ''] as const, ...target].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    this.fixedNames = fixed.map(([n]) => n);
    this.fixedValues = fixed.map(([, v]) => v);
    this.usable = target.every(([n]) => n !== NAME && /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(n));
  }

  /**
   * Hashes the series whose name is `text[nameStart, nameEnd)` and whose `n` labels are in `spans` (indices into
   * `text`). Returns the number of labels hashed, or -1 when only building the labels can tell (two labels of one
   * name, which the parser reports, or a clash with a target label to rename).
   */
  hash(
    head: SeriesHead,
    text: string,
    nameStart: number,
    nameEnd: number,
    spans: Int32Array,
    n: number,
  ): number {
    if (!this.usable || !this.sort(text, spans, n)) return -1;
    const order = this.order;
    const names = this.fixedNames;
    let count = this.prefix(head, text, nameStart, nameEnd, spans, n);
    let f = this.memoFixed;
    let p = 0;
    while (p < n || f < names.length) {
      const at = p < n ? order[p]! * SPAN : -1;
      const cmp =
        f === names.length ? -1 : at < 0 ? 1 : compareName(text, spans[at]!, spans[at + 1]!, names[f]!);
      if (cmp < 0 || (cmp === 0 && spans[at + 3] !== spans[at + 2] && this.honor)) {
        count += hashPage(text, spans, at);
        p++;
        if (cmp === 0) f++;
        continue;
      }
      if (cmp === 0) {
        // the page's label clashes with the target's: renamed unless empty (an empty value is no label)
        if (spans[at + 3] !== spans[at + 2]) return -1;
        p++;
      }
      count += this.hashFixed(f++, text, nameStart, nameEnd);
    }
    return count;
  }

  /** Hashes the fixed labels that sort before all page labels (or resumes after them); returns how many counted. */
  private prefix(
    head: SeriesHead,
    text: string,
    nameStart: number,
    nameEnd: number,
    spans: Int32Array,
    n: number,
  ): number {
    const names = this.fixedNames;
    const first = n > 0 ? this.order[0]! * SPAN : -1;
    let fixed = 0;
    while (
      fixed < names.length &&
      (first < 0 || compareName(text, spans[first]!, spans[first + 1]!, names[fixed]!) > 0)
    )
      fixed++;
    if (head === this.memoHead && fixed === this.memoFixed) {
      textHash.resume(this.memoHi, this.memoLo);
      return this.memoCount;
    }
    textHash.reset();
    let count = 0;
    for (let f = 0; f < fixed; f++) count += this.hashFixed(f, text, nameStart, nameEnd);
    this.memoHead = head;
    this.memoFixed = fixed;
    this.memoCount = count;
    this.memoHi = textHash.hi;
    this.memoLo = textHash.lo;
    return count;
  }

  /** Hashes fixed label `f` unless its value is empty; returns 1 when hashed. */
  private hashFixed(f: number, text: string, nameStart: number, nameEnd: number): number {
    const name = this.fixedNames[f]!;
    if (name === NAME) {
      textHash.add(NAME, 0, NAME.length);
      textHash.add(text, nameStart, nameEnd);
      return 1;
    }
    const value = this.fixedValues[f]!;
    if (value === '') return 0;
    textHash.add(name, 0, name.length);
    textHash.add(value, 0, value.length);
    return 1;
  }

  /** Sorts the page's labels by name into `order`; false when two have one name. */
  private sort(text: string, spans: Int32Array, n: number): boolean {
    const order = this.order;
    for (let k = 0; k < n; k++) {
      let j = k - 1;
      for (; j >= 0; j--) {
        const c = compareSpans(text, spans, order[j]! * SPAN, k * SPAN);
        if (c === 0) return false;
        if (c < 0) break;
        order[j + 1] = order[j]!;
      }
      order[j + 1] = k;
    }
    return true;
  }
}

/** Hashes the page's label at span `at` unless its value is empty; returns 1 when hashed. */
function hashPage(text: string, spans: Int32Array, at: number): number {
  const vs = spans[at + 2]!;
  const ve = spans[at + 3]!;
  if (ve === vs) return 0;
  textHash.add(text, spans[at]!, spans[at + 1]!);
  if (spans[at + 4] === 0) textHash.add(text, vs, ve);
  else {
    const value = unescapeValue(text.slice(vs, ve));
    textHash.add(value, 0, value.length);
  }
  return 1;
}

/** Compares the names of two label spans by UTF-16 unit (names are ASCII: the same order as by bytes). */
function compareSpans(s: string, spans: Int32Array, a: number, b: number): number {
  const aEnd = spans[a + 1]!;
  const bEnd = spans[b + 1]!;
  let i = spans[a]!;
  let j = spans[b]!;
  for (; i < aEnd && j < bEnd; i++, j++) {
    const d = s.charCodeAt(i) - s.charCodeAt(j);
    if (d !== 0) return d;
  }
  return aEnd - i - (bEnd - j);
}

/** Compares the name `s[start, end)` with `name` by UTF-16 unit. */
function compareName(s: string, start: number, end: number, name: string): number {
  const n = Math.min(end - start, name.length);
  for (let k = 0; k < n; k++) {
    const d = s.charCodeAt(start + k) - name.charCodeAt(k);
    if (d !== 0) return d;
  }
  return end - start - name.length;
}
