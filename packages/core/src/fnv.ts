/**
 * FNV-1a 64-bit over the UTF-8 bytes of a label set, as Prometheus hashes `LabelSet.Fingerprint`. JS writes the
 * bytes to a buffer and a 105-byte WebAssembly function hashes them with native 64-bit multiplies. In plain JS a
 * 64-bit multiply is a chain of int32 steps per byte, and that chain, not reading the text, was most of the cost
 * of a fingerprint (computed for every new alert and every new series). Where WebAssembly is unavailable
 * (`--jitless`) or the host is big-endian, the same buffer is hashed in JS.
 */

/** Bytes 0–7 hold the hash state (low word first), the text follows. One 64 KiB WebAssembly page. */
const SIZE = 65_536;
const TEXT = 8;
/** Flush before a character (up to 4 bytes) and a separator could overrun the buffer. */
const FLUSH_AT = SIZE - 8;

// The module, hand-assembled (the text format in comments). One memory `m` (1 page) and one function:
//   (func (export "mix") (param $end i32) (local $h i64) (local $i i32)
//     h = i64.load(0); for (i = 8; i < end; i++) h = (h ^ i64.load8_u(i)) * 0x100000001b3; i64.store(0, h))
const MODULE = Uint8Array.from(
  [
    '0061736d01000000', // "\0asm", version 1
    '01050160017f00', // type section: (func (param i32))
    '03020100', // function section: function 0 has type 0
    '0503010001', // memory section: min 1 page, no max
    '070b02016d0200036d69780000', // exports "m" (memory 0), "mix" (func 0)
    '0a420140', // code section: one body of 64 bytes
    '02017e017f', // locals: one i64 ($h, index 1), one i32 ($i, index 2)
    '41002903002101', // h = i64.load(0)
    '41082102', // i = 8
    '02400340', // block, loop
    '200220004f0d01', // br_if (i >= end) out of the block
    '2001200231000085', // h ^ i64.load8_u(i)
    '42b383808080207e2101', // h = … * 0x100000001b3 (signed LEB128)
    '200241016a2102', // i = i + 1
    '0c000b0b', // br to the loop; end loop, end block
    '410020013703000b', // i64.store(0, h); end
  ]
    .join('')
    .match(/../g)!,
  (h) => Number.parseInt(h, 16),
);

/** The WebAssembly API this file uses (the project compiles without the DOM library, which declares it). */
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: { m: { buffer: ArrayBuffer }; mix: Mix } };
};

/** Hashes text bytes [8, end) into the state. */
type Mix = (end: number) => void;

/** Hashes a label set: `names` (sorted) with their values. */
export interface LabelHasher {
  readonly kind: 'wasm' | 'js';
  /** Hashes; the 64-bit result is then in {@link hi} and {@link lo} until the next call. */
  run(names: readonly string[], labels: Readonly<Record<string, string>>): void;
  /** The high 32 bits of the last result, as an int32. */
  readonly hi: number;
  /** The low 32 bits of the last result, as an int32. */
  readonly lo: number;
  /** 16 lower-case hex digits. */
  hash(names: readonly string[], labels: Readonly<Record<string, string>>): string;
}

/** The WebAssembly hasher where it can run (little-endian, WebAssembly present), else the JS one. */
export function labelHasher(useWasm = true): LabelHasher {
  const wasm = useWasm ? wasmMix() : undefined;
  const buffer = wasm ? wasm.buffer : new ArrayBuffer(SIZE);
  const bytes = new Uint8Array(buffer);
  // the state as two words; with WebAssembly only on a little-endian host, where word 0 is the low half
  const words = new Uint32Array(buffer, 0, 2);
  const mix = wasm ? wasm.mix : jsMix(bytes, words);
  const run = (names: readonly string[], labels: Readonly<Record<string, string>>): void => {
    words[0] = 0x84222325;
    words[1] = 0xcbf29ce4;
    let o = TEXT;
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      o = put(bytes, o, name, mix);
      o = put(bytes, o, labels[name]!, mix);
    }
    mix(o);
  };
  return {
    kind: wasm ? 'wasm' : 'js',
    run,
    get hi() {
      return words[1]! | 0;
    },
    get lo() {
      return words[0]! | 0;
    },
    hash(names, labels) {
      run(names, labels);
      return hex16(words[1]!, words[0]!);
    },
  };
}

/** The hasher everything in core shares (one 64 KiB buffer). */
export const labelHash: LabelHasher = labelHasher();

function wasmMix(): { buffer: ArrayBuffer; mix: Mix } | undefined {
  if (typeof WebAssembly !== 'object' || new Uint8Array(Uint32Array.of(1).buffer)[0] !== 1) return undefined;
  try {
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(MODULE));
    return { buffer: exports.m.buffer, mix: exports.mix };
  } catch {
    // WebAssembly present but not allowed (a policy): the JS mix gives the same hashes
    return undefined;
  }
}

/** The same mix in JS: times the FNV prime 2^40 + 0x1b3 mod 2^64 in int32 steps. */
function jsMix(bytes: Uint8Array, words: Uint32Array): Mix {
  return (end) => {
    let lo = words[0]! | 0;
    let hi = words[1]! | 0;
    for (let i = TEXT; i < end; i++) {
      lo ^= bytes[i]!;
      // lo * 0x1b3 in 16-bit halves (each product below 2^26); its carry and lo << 8 (the 2^40 part) go to hi
      const pl = (lo & 0xffff) * 0x1b3;
      const ph = (lo >>> 16) * 0x1b3 + (pl >>> 16);
      hi = (Math.imul(hi, 0x1b3) + (lo << 8) + (ph >>> 16)) | 0;
      lo = (ph << 16) | (pl & 0xffff);
    }
    words[0] = lo;
    words[1] = hi;
  };
}

/**
 * Writes the UTF-8 bytes of `s` as TextEncoder gives them (a lone surrogate becomes U+FFFD) and then 0xff at
 * `o`, hashing and restarting the buffer when it fills up; returns the next offset.
 */
function put(bytes: Uint8Array, start: number, s: string, mix: Mix): number {
  let o = start;
  for (let i = 0; i < s.length; i++) {
    if (o >= FLUSH_AT) {
      mix(o);
      o = TEXT;
    }
    let c = s.charCodeAt(i);
    // most label text is ASCII: one byte
    if (c < 0x80) bytes[o++] = c;
    else if (c < 0x800) {
      bytes[o++] = 0xc0 | (c >> 6);
      bytes[o++] = 0x80 | (c & 0x3f);
    } else {
      const next = s.charCodeAt(i + 1);
      if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
        bytes[o++] = 0xf0 | (c >> 18);
        bytes[o++] = 0x80 | ((c >> 12) & 0x3f);
      } else {
        if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
        bytes[o++] = 0xe0 | (c >> 12);
      }
      bytes[o++] = 0x80 | ((c >> 6) & 0x3f);
      bytes[o++] = 0x80 | (c & 0x3f);
    }
  }
  if (o >= FLUSH_AT) {
    mix(o);
    o = TEXT;
  }
  bytes[o++] = 0xff;
  return o;
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
