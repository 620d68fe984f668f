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
 * Encodes `value` (or `parts`) as the JSON that `JSON.stringify` gives for it (for parts: for
 * {@link assembleSnapshot}'s value), in slices of `sliceMs`, yielding between them. Collections of 256 or more
 * members inside plain objects and arrays are split; anything else is one `JSON.stringify` call.
 * `undefined` when JSON has no text for the value (as `JSON.stringify(undefined)`).
 */
export async function encodeSnapshot(
  value: unknown,
  options: EncodeOptions & { parts?: boolean } = {},
): Promise<string | undefined> {
  const slicer = new Slicer(options.sliceMs ?? 4, options.pause ?? pauseImmediate);
  if (!options.parts) return encodeValue(value, slicer, 0);
  const parts = value as SnapshotParts;
  const head = JSON.stringify({ ...parts.head, [parts.field]: {} });
  const body = await encodeEntries(parts.entries, slicer);
  // the head's own text ends with `{}}`: the entries go between those braces
  return `${head.slice(0, -2)}${body.slice(1)}}`;
}

const pauseImmediate = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

class Slicer {
  private start = performance.now();
  private calls = 0;
  constructor(
    private readonly sliceMs: number,
    private readonly pauseFn: () => Promise<void>,
  ) {}
  /** True when the slice has run its time; checked every few calls, the clock being dearer than one member. */
  due(): boolean {
    if (++this.calls % CHECK_EVERY !== 0) return false;
    return performance.now() - this.start >= this.sliceMs;
  }
  async pause(): Promise<void> {
    await this.pauseFn();
    this.start = performance.now();
  }
}

const isPlainObject = (v: object): boolean => {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

async function encodeValue(v: unknown, s: Slicer, depth: number): Promise<string | undefined> {
  // toJSON, class instances, boxed primitives and Maps: JSON.stringify knows their rules, and they are small here
  if (
    depth >= MAX_DEPTH ||
    v === null ||
    typeof v !== 'object' ||
    typeof (v as { toJSON?: unknown }).toJSON === 'function'
  )
    return JSON.stringify(v);
  if (Array.isArray(v)) return encodeArray(v, s, depth);
  if (!isPlainObject(v)) return JSON.stringify(v);
  return encodeObject(v as Record<string, unknown>, s, depth);
}

async function encodeArray(a: readonly unknown[], s: Slicer, depth: number): Promise<string> {
  const big = a.length >= BIG;
  const out: string[] = [];
  for (let i = 0; i < a.length; i++) {
    // members of a big collection are leaves; a small container's members may hold collections
    const text = big ? JSON.stringify(a[i]) : await encodeValue(a[i], s, depth + 1);
    out.push(text ?? 'null');
    if (big && s.due()) await s.pause();
  }
  return `[${out.join(',')}]`;
}

async function encodeObject(o: Record<string, unknown>, s: Slicer, depth: number): Promise<string> {
  const keys = Object.keys(o);
  const big = keys.length >= BIG;
  const out: string[] = [];
  for (const k of keys) {
    const text = big ? JSON.stringify(o[k]) : await encodeValue(o[k], s, depth + 1);
    if (text !== undefined) out.push(`${JSON.stringify(k)}:${text}`);
    if (big && s.due()) await s.pause();
  }
  return `{${out.join(',')}}`;
}

// a lazy iterable's size is not known before: every entry is a leaf, and the clock is checked between them
async function encodeEntries(entries: Iterable<readonly [string, unknown]>, s: Slicer): Promise<string> {
  const out: string[] = [];
  for (const [k, v] of entries) {
    const text = JSON.stringify(v);
    if (text !== undefined) out.push(`${JSON.stringify(k)}:${text}`);
    if (s.due()) await s.pause();
  }
  return `{${out.join(',')}}`;
}

/**
 * Stores a snapshot under `key`: encoded a slice at a time when the store takes JSON (`putJson`); otherwise
 * parts are assembled a slice at a time and `put` (whose own encoding then runs in one step).
 */
export async function putSnapshot(
  store: StateStore,
  key: string,
  snap: { parts: SnapshotParts } | { value: unknown },
  options: EncodeOptions = {},
): Promise<void> {
  const parts = 'parts' in snap ? snap.parts : undefined;
  if (store.putJson) {
    const json = await encodeSnapshot(parts ?? (snap as { value: unknown }).value, {
      ...options,
      parts: !!parts,
    });
    // no JSON text (an undefined snapshot): the store's own put decides, as before
    if (json !== undefined) return store.putJson(key, json);
  }
  if (!parts) return store.put(key, (snap as { value: unknown }).value);
  const s = new Slicer(options.sliceMs ?? 4, options.pause ?? pauseImmediate);
  const entries: Record<string, unknown> = {};
  for (const [k, v] of parts.entries) {
    entries[k] = v;
    if (s.due()) await s.pause();
  }
  return store.put(key, { ...parts.head, [parts.field]: entries });
}
