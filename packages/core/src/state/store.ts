/**
 * Durable key/value state for detectors, alerters and alert management. Values are JSON-serialisable.
 * Every `put` is atomic: after a crash a key holds either its old or its new value, never a mix.
 */
export interface StateStore {
  /** The value stored under `key`, or `undefined`. */
  get<T = unknown>(key: string): Promise<T | undefined>;
  /** Stores `value` under `key`, replacing what was there, atomically. */
  put(key: string, value: unknown): Promise<void>;
  /**
   * Optional: stores the value whose JSON text is `chunks.join('')`, as `put(key, JSON.parse(…))` would, without
   * decoding it. Core encodes large snapshots a slice at a time (yielding the event loop) and hands them over
   * this way; a store should not join the chunks in one step either (10 MB of text take 100 ms to join here).
   */
  putJsonChunks?(key: string, chunks: readonly string[]): Promise<void>;
  /** Removes `key`; no error when it is absent. */
  delete(key: string): Promise<void>;
  /** Keys that start with `prefix`, sorted. */
  list(prefix?: string): Promise<string[]>;
  /** Where the state lives, for messages: a directory, or `memory`. */
  readonly location: string;
}

/** A store that keeps values in memory (structured-cloned, so callers cannot mutate stored state). */
export function memoryStateStore(): StateStore {
  // a snapshot's chunks are kept as they came and joined only when read (at start, by restore)
  const data = new Map<string, string | readonly string[]>();
  return {
    location: 'memory',
    async get<T>(key: string) {
      const raw = data.get(key);
      if (raw === undefined) return undefined;
      return JSON.parse(typeof raw === 'string' ? raw : raw.join('')) as T;
    },
    async put(key, value) {
      checkKey(key);
      data.set(key, JSON.stringify(value));
    },
    async putJsonChunks(key, chunks) {
      checkKey(key);
      data.set(key, [...chunks]);
    },
    async delete(key) {
      data.delete(key);
    },
    async list(prefix = '') {
      return [...data.keys()].filter((k) => k.startsWith(prefix)).sort();
    },
  };
}

/** A view of `store` whose keys are all prefixed with `scope/` (each plugin gets its own). */
export function scopedStateStore(store: StateStore, scope: string): StateStore {
  const p = `${scope}/`;
  const putJsonChunks = store.putJsonChunks?.bind(store);
  return {
    location: store.location,
    get: (key) => store.get(p + key),
    put: (key, value) => store.put(p + key, value),
    ...(putJsonChunks
      ? { putJsonChunks: (key: string, chunks: readonly string[]) => putJsonChunks(p + key, chunks) }
      : {}),
    delete: (key) => store.delete(p + key),
    list: async (prefix = '') => (await store.list(p + prefix)).map((k) => k.slice(p.length)),
  };
}

/** Throws a clear error for keys a store cannot hold. */
export function checkKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > 400) {
    throw new RangeError(
      `state key must be a non-empty string of at most 400 characters, got ${JSON.stringify(key)}`,
    );
  }
}
