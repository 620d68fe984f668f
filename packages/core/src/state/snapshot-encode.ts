import { performance } from 'node:perf_hooks';
import type { StateStore } from './store.js';

/**
 * A large snapshot handed over in parts, so core can take its entries a slice at a time and give the event loop
 * back between slices (a detector's 100k series took 1–1.8 s in one synchronous step). What is stored, and what
 * `restore` gets back, is the plain value `{ ...head, [field]: { [key]: value, … } }`.
 */
export interface SnapshotParts {
  /** The snapshot's other fields, stored before the entries, e.g. `{ version: 1 }`. */
  readonly head: Readonly<Record<string, unknown>>;
  /** The field that holds the entries, e.g. `series`. */
  readonly field: string;
  /**
   * The entries, produced lazily (a generator): each is taken, and encoded, on its own, with other work
   * (batches) possibly running between two of them, so each entry must be complete when it is produced.
   */
  readonly entries: Iterable<readonly [key: string, value: unknown]>;
  /**
   * Optional (dirty tracking): the entries changed since the plugin's entries were last taken, so that core may store
   * only these beside the last full snapshot (see `snapshot-delta.ts`). The plugin marks an entry clean when it is
   * taken, from `entries` or from here, and changed again when it changes; core takes one of the two per save.
   */
  readonly changes?: SnapshotChanges;
}

/** The changed entries of a {@link SnapshotParts}, with their count known before they are taken. */
export interface SnapshotChanges {
  /** How many entries `entries` will produce. */
  readonly count: number;
  /** How many entries the whole state has (core saves everything when most of it changed). */
  readonly total: number;
  /** The changed entries, lazily; an entry that no longer exists comes as `[key, null]`. */
  readonly entries: Iterable<readonly [key: string, value: unknown]>;
}

/** The plain value that `parts` stand for; what `restore` receives. */
export function assembleSnapshot(parts: SnapshotParts): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of parts.entries) out[k] = v;
  return { ...parts.head, [parts.field]: out };
}

/** Settings of {@link encodeSnapshot}; tests shorten the slice and count the pauses. */
export interface EncodeOptions {
  /** How long one synchronous slice may run before the encoder yields. @default 4 */
  sliceMs?: number;
  /** Gives the event loop back; @default setImmediate */
  pause?: () => Promise<void>;
}

// a collection with at least this many members is encoded member by member, checking the clock between them
const BIG = 256;
// containers (small objects and arrays) are looked into this deep for collections
const MAX_DEPTH = 4;
const CHECK_EVERY = 16;

/**
 * Encodes `value` (or `parts`) as the JSON text that `JSON.stringify` gives for it (for parts: for
 * {@link assembleSnapshot}'s value), in slices of `sliceMs`, yielding between them. The text comes in chunks, one
 * per slice: joining 10 MB of text is itself a step of 100 ms here, so stores take the chunks as they are.
 * Collections of 256 or more members inside plain objects and arrays are split; anything else is one
 * `JSON.stringify` call. `undefined` when JSON has no text for the value (as `JSON.stringify(undefined)`).
 */
export async function encodeSnapshot(
  value: unknown,
  options: EncodeOptions & { parts?: boolean } = {},
): Promise<string[] | undefined> {
  const w = new SlicedText(options.sliceMs ?? 4, options.pause ?? pauseImmediate);
  if (!options.parts) return (await writeValue(value, w, 0)) ? w.done() : undefined;
  const parts = value as SnapshotParts;
  const head = JSON.stringify({ ...parts.head, [parts.field]: {} });
  // the head's own text ends with `{}}`: the entries go between those braces
  w.add(head.slice(0, -2));
  await writeEntries(parts.entries, w);
  w.add('}}');
  return w.done();
}

const pauseImmediate = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Text written in pieces, cut into one chunk per slice of time; the slice's clock is checked every few pieces. */
class SlicedText {
  private start = performance.now();
  private calls = 0;
  private pieces: string[] = [];
  private readonly chunks: string[] = [];
  constructor(
    private readonly sliceMs: number,
    private readonly pauseFn: () => Promise<void>,
  ) {}
  add(text: string): void {
    this.pieces.push(text);
  }
  /** True when the slice has run its time; checked every few calls, the clock being dearer than one member. */
  due(): boolean {
    if (++this.calls % CHECK_EVERY !== 0) return false;
    return performance.now() - this.start >= this.sliceMs;
  }
  async pause(): Promise<void> {
    this.cut();
    await this.pauseFn();
    this.start = performance.now();
  }
  done(): string[] {
    this.cut();
    return this.chunks;
  }
  private cut(): void {
    if (this.pieces.length === 0) return;
    this.chunks.push(this.pieces.join(''));
    this.pieces = [];
  }
}

const isPlainObject = (v: object): boolean => {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/** Plain objects and arrays are looked into; toJSON, class instances, boxed primitives and Maps are leaves. */
const isContainer = (v: unknown, depth: number): v is object =>
  depth < MAX_DEPTH &&
  v !== null &&
  typeof v === 'object' &&
  typeof (v as { toJSON?: unknown }).toJSON !== 'function' &&
  (Array.isArray(v) || isPlainObject(v));

/** Writes `v`'s JSON text; false, writing nothing, when JSON has none (undefined, a function). */
async function writeValue(v: unknown, w: SlicedText, depth: number): Promise<boolean> {
  if (!isContainer(v, depth)) {
    const text = JSON.stringify(v);
    if (text === undefined) return false;
    w.add(text);
  } else if (Array.isArray(v)) await writeArray(v, w, depth);
  else await writeObject(v as Record<string, unknown>, w, depth);
  return true;
}

async function writeArray(a: readonly unknown[], w: SlicedText, depth: number): Promise<void> {
  const big = a.length >= BIG;
  w.add('[');
  for (let i = 0; i < a.length; i++) {
    if (i > 0) w.add(',');
    // members of a big collection are leaves; a small container's members may hold collections
    if (big) {
      w.add(JSON.stringify(a[i]) ?? 'null');
      if (w.due()) await w.pause();
    } else if (!(await writeValue(a[i], w, depth + 1))) w.add('null');
  }
  w.add(']');
}

async function writeObject(o: Record<string, unknown>, w: SlicedText, depth: number): Promise<void> {
  const keys = Object.keys(o);
  const big = keys.length >= BIG;
  w.add('{');
  let first = true;
  for (const k of keys) {
    const v = o[k];
    if (!big && isContainer(v, depth + 1)) {
      w.add(`${first ? '' : ','}${JSON.stringify(k)}:`);
      await writeValue(v, w, depth + 1);
      first = false;
      continue;
    }
    const text = JSON.stringify(v);
    if (text !== undefined) {
      w.add(`${first ? '' : ','}${JSON.stringify(k)}:${text}`);
      first = false;
    }
    if (big && w.due()) await w.pause();
  }
  w.add('}');
}

// a lazy iterable's size is not known before: every entry is a leaf, and the clock is checked between them
async function writeEntries(entries: Iterable<readonly [string, unknown]>, w: SlicedText): Promise<void> {
  let first = true;
  for (const [k, v] of entries) {
    const text = JSON.stringify(v);
    if (text !== undefined) {
      w.add(`${first ? '' : ','}${JSON.stringify(k)}:${text}`);
      first = false;
    }
    if (w.due()) await w.pause();
  }
}

/**
 * Stores a snapshot under `key`: encoded a slice at a time when the store takes JSON text (`putJsonChunks`); otherwise
 * parts are assembled a slice at a time and `put` (whose own encoding then runs in one step).
 */
export async function putSnapshot(
  store: StateStore,
  key: string,
  snap: { parts: SnapshotParts } | { value: unknown },
  options: EncodeOptions = {},
): Promise<void> {
  const parts = 'parts' in snap ? snap.parts : undefined;
  if (store.putJsonChunks) {
    const chunks = await encodeSnapshot(parts ?? (snap as { value: unknown }).value, {
      ...options,
      parts: !!parts,
    });
    // no JSON text (an undefined snapshot): the store's own put decides, as before
    if (chunks !== undefined) return store.putJsonChunks(key, chunks);
  }
  if (!parts) return store.put(key, (snap as { value: unknown }).value);
  const s = new SlicedText(options.sliceMs ?? 4, options.pause ?? pauseImmediate);
  const entries: Record<string, unknown> = {};
  for (const [k, v] of parts.entries) {
    entries[k] = v;
    if (s.due()) await s.pause();
  }
  return store.put(key, { ...parts.head, [parts.field]: entries });
}
