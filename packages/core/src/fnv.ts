/**
 * FNV-1a 64-bit over the UTF-8 bytes of a label set, as Prometheus hashes `LabelSet.Fingerprint`: computed for
 * every new series (the registry finds series by it) and every new alert.
 *
 * In two 32-bit halves of plain numbers: BigInt per byte is far slower. Between strings the halves wait in a typed
 * array (a module `let` holding a number above 2^31 would allocate a heap number on every store). A WebAssembly
 * version with native 64-bit multiplies was measured too: copying the text out of JS strings into its memory cost
 * what the multiplies saved (same speed on 4- and 7-label sets), so the hash stays in JS.
 */
const state = new Uint32Array(2);

/** Hashes a label set: `names` (sorted) with their values. */
export interface LabelHasher {
  /** Hashes; the 64-bit result is then in {@link hi} and {@link lo} until the next call. */
  run(names: readonly string[], labels: Readonly<Record<string, string>>): void;
  /** The high 32 bits of the last result, as an int32. */
  readonly hi: number;
  /** The low 32 bits of the last result, as an int32. */
  readonly lo: number;
  /** 16 lower-case hex digits. */
  hash(names: readonly string[], labels: Readonly<Record<string, string>>): string;
}

/**
 * The label pairs of the last {@link labelHash.run} and the state after each: the next call starts after the
 * longest prefix of pairs equal to these. Series interned one after another mostly share their first pairs (a
 * scrape page's `__name__`, then `instance` and `job` of its target, sorted before most other names), so a first
 * scrape hashes about half the bytes. Only the first {@link MEMO_PAIRS} pairs are remembered.
 */
const MEMO_PAIRS = 8;
const memoNames: string[] = [];
const memoValues: string[] = [];
const memoState = new Uint32Array(2 * MEMO_PAIRS);
let memoLength = 0;

/** The FNV-1a hasher (one state: results are read before the next call). */
export const labelHash: LabelHasher = {
  run(names, labels) {
    let i = 0;
    // equal strings compare by pointer first: the shared prefix of a scrape's series costs one compare a pair
    while (i < memoLength && i < names.length && names[i] === memoNames[i]) {
      if (labelText(labels[names[i]!]) !== memoValues[i]) break;
      i++;
    }
    if (i === 0) {
      // offset basis 0xcbf29ce484222325
      state[0] = 0xcbf29ce4;
      state[1] = 0x84222325;
    } else {
      state[0] = memoState[2 * i - 2]!;
      state[1] = memoState[2 * i - 1]!;
    }
    for (; i < names.length; i++) {
      const name = names[i]!;
      const value = labelText(labels[name]);
      fnvString(name);
      fnvString(value);
      if (i < MEMO_PAIRS) {
        memoNames[i] = name;
        memoValues[i] = value;
        memoState[2 * i] = state[0]!;
        memoState[2 * i + 1] = state[1]!;
      }
    }
    memoLength = Math.min(names.length, MEMO_PAIRS);
  },
  get hi() {
    return state[0]! | 0;
  },
  get lo() {
    return state[1]! | 0;
  },
  hash(names, labels) {
    labelHash.run(names, labels);
    return hex16(state[0]!, state[1]!);
  },
};

/** Hashes the UTF-8 bytes of `s` and then the separator 0xff. */
function fnvString(s: string): void {
  fnvRange(s, 0, s.length);
}

/**
 * Hashes the UTF-8 bytes of `s[start, end)` and then the separator 0xff. Kept small so that V8 inlines it: ASCII is
 * the whole loop, and the first other character hands over to {@link fnvRest}.
 */
function fnvRange(s: string, start: number, end: number): void {
  let hi = state[0]! | 0;
  let lo = state[1]! | 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) {
      state[0] = hi;
      state[1] = lo;
      fnvRest(s, i, end);
      return;
    }
    lo ^= c;
    // times the FNV prime 2^40 + 0x1b3, mod 2^64, in int32 steps: the low half is Math.imul's, and the carry of
    // lo * 0x1b3 (from its 16-bit halves) and lo << 8 (the 2^40 part) go to hi. The next byte waits only on the
    // imul: the low half built from the halves' products made every byte wait on the whole chain (0.7x the time).
    hi = (Math.imul(hi, 0x1b3) + (lo << 8) + carryOfPrime(lo)) | 0;
    lo = Math.imul(lo, 0x1b3);
  }
  lo ^= 0xff;
  state[0] = (Math.imul(hi, 0x1b3) + (lo << 8) + carryOfPrime(lo)) | 0;
  state[1] = Math.imul(lo, 0x1b3);
}

/** The high 32 bits of `lo * 0x1b3` (`lo` unsigned), from its 16-bit halves (each product below 2^26). */
function carryOfPrime(lo: number): number {
  return ((lo >>> 16) * 0x1b3 + (((lo & 0xffff) * 0x1b3) >>> 16)) >>> 16;
}

/**
 * {@link fnvRange} from unit `from` to `end`, for any text: the UTF-8 bytes as TextEncoder gives them (a lone
 * surrogate becomes U+FFFD), then 0xff.
 */
function fnvRest(s: string, from: number, end: number): void {
  let hi = state[0]! | 0;
  let lo = state[1]! | 0;
  for (let i = from; i <= end; i++) {
    let c = s.charCodeAt(i);
    // the bytes of one character, first in the low bits; past the end, the separator
    let bytes = c;
    let n = 1;
    if (i === end) bytes = 0xff;
    else if (c >= 0x80) {
      if (c < 0x800) {
        bytes = 0xc0 | (c >> 6) | ((0x80 | (c & 0x3f)) << 8);
        n = 2;
      } else {
        const next = i + 1 < end ? s.charCodeAt(i + 1) : 0;
        if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
          i++;
          bytes =
            0xf0 |
            (c >> 18) |
            ((0x80 | ((c >> 12) & 0x3f)) << 8) |
            ((0x80 | ((c >> 6) & 0x3f)) << 16) |
            ((0x80 | (c & 0x3f)) << 24);
          n = 4;
        } else {
          if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
          bytes = 0xe0 | (c >> 12) | ((0x80 | ((c >> 6) & 0x3f)) << 8) | ((0x80 | (c & 0x3f)) << 16);
          n = 3;
        }
      }
    }
    for (let k = 0; k < n; k++) {
      lo ^= (bytes >>> (k * 8)) & 0xff;
      hi = (Math.imul(hi, 0x1b3) + (lo << 8) + carryOfPrime(lo)) | 0;
      lo = Math.imul(lo, 0x1b3);
    }
  }
  state[0] = hi;
  state[1] = lo;
}

/**
 * FNV-1a 64-bit of a label set given as text ranges, for a caller that knows a series' labels as text (a scrape
 * page's label block) and need not build an object to hash them. Feed the name and then the value of every label,
 * names in `sortedNames` order (UTF-8 byte order), empty values left out: {@link hi} and {@link lo} are then the halves of the
 * label set's fingerprint, as `SeriesRegistry.internText` takes them. One state: read before hashing
 * again. @experimental
 */
export interface TextHasher {
  /** Starts a new label set. */
  reset(): void;
  /** Goes on from a state read earlier from {@link hi} and {@link lo} (e.g. after labels many sets share). */
  resume(hi: number, lo: number): void;
  /** Hashes the text `s[start, end)` (a name or a value) and its separator. */
  add(s: string, start: number, end: number): void;
  /** The high 32 bits of the hash so far, as an int32. */
  readonly hi: number;
  /** The low 32 bits of the hash so far, as an int32. */
  readonly lo: number;
}

/** The {@link TextHasher} (shares its state with {@link labelHash}: one hash at a time). @experimental */
export const textHash: TextHasher = {
  reset() {
    state[0] = 0xcbf29ce4;
    state[1] = 0x84222325;
  },
  resume(hi, lo) {
    state[0] = hi;
    state[1] = lo;
  },
  add: fnvRange,
  get hi() {
    return state[0]! | 0;
  },
  get lo() {
    return state[1]! | 0;
  },
};

/**
 * A label value as text. Values are strings by type, but a plugin in plain JS may pass `200` or `undefined`:
 * hashed as `'200'` and `''` (an empty value is an absent label in Prometheus), the way a key string built by
 * `join` always treated them.
 */
export function labelText(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

const HEX = Array.from('0123456789abcdef', (ch) => ch.charCodeAt(0));

/** 16 hex digits of a 64-bit value in two words, as one flat string (a concatenation would leave V8 a rope). */
export function hex16(hi: number, lo: number): string {
  return String.fromCharCode(
    HEX[hi >>> 28]!,
    HEX[(hi >>> 24) & 15]!,
    HEX[(hi >>> 20) & 15]!,
    HEX[(hi >>> 16) & 15]!,
    HEX[(hi >>> 12) & 15]!,
    HEX[(hi >>> 8) & 15]!,
    HEX[(hi >>> 4) & 15]!,
    HEX[hi & 15]!,
    HEX[lo >>> 28]!,
    HEX[(lo >>> 24) & 15]!,
    HEX[(lo >>> 20) & 15]!,
    HEX[(lo >>> 16) & 15]!,
    HEX[(lo >>> 12) & 15]!,
    HEX[(lo >>> 8) & 15]!,
    HEX[(lo >>> 4) & 15]!,
    HEX[lo & 15]!,
  );
}
