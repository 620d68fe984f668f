/** A typed array that {@link SeriesColumn} keeps: one number per series id. */
type Column = Uint8Array | Int32Array;

/**
 * One small integer per series id, in a typed array grown by half when an id past its end is set; ids never set
 * read 0. Series ids are small, dense and never reused by a registry, so a rule's per-series verdicts fit here at
 * 1–4 bytes each, where a `Map` entry or a slot of a plain array cost ~8–45 bytes per series, for every series an
 * alerter sees (matching or not).
 */
export class SeriesColumn<A extends Column> {
  private data: A;

  constructor(private readonly make: (length: number) => A) {
    this.data = make(0);
  }

  /** The value of series `id`; 0 when it was never set (or for a negative id, which no registry issues). */
  get(id: number): number {
    return id >= 0 && id < this.data.length ? this.data[id]! : 0;
  }

  /** Sets the value of series `id` (a non-negative integer), growing the column to hold it. */
  set(id: number, value: number): void {
    if (id >= this.data.length) this.grow(id + 1);
    this.data[id] = value;
  }

  /** Ids the column has room for (its length, not the number of ids set). */
  get capacity(): number {
    return this.data.length;
  }

  private grow(atLeast: number): void {
    // by half, not doubling: less slack kept for good (a column only grows)
    const next = this.make(Math.max(atLeast, Math.ceil(this.data.length * 1.5), 64));
    next.set(this.data);
    this.data = next;
  }
}

/** A column of bytes by series id. */
export function byteColumn(): SeriesColumn<Uint8Array> {
  return new SeriesColumn((n) => new Uint8Array(n));
}

/** A column of 32-bit integers by series id. */
export function intColumn(): SeriesColumn<Int32Array> {
  return new SeriesColumn((n) => new Int32Array(n));
}
