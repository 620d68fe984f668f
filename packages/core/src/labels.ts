/** A label set: the identity of a series or an alert. Names follow Prometheus (`[a-zA-Z_][a-zA-Z0-9_]*`). */
export type Labels = Readonly<Record<string, string>>;

const encoder = new TextEncoder();

// FNV-1a 64-bit in two 32-bit halves of plain numbers (BigInt per byte is far slower; fingerprints are computed on
// the interning path and for every new alert). Between strings the halves wait in a typed array: a module `let`
// holding a number above 2^31 would allocate a heap number on every store. Offset basis 0xcbf29ce484222325.
const state = new Uint32Array(2);

/** Hashes the UTF-8 bytes of `s` as TextEncoder gives them (a lone surrogate becomes U+FFFD), then `tail`. */
function fnvString(s: string, tail: number): void {
  let hi = state[0]! | 0;
  let lo = state[1]! | 0;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    // the bytes of one character, first in the low bits; most label text is ASCII: one byte
    let bytes = c;
    let n = 1;
    if (c >= 0x80) {
      if (c < 0x800) {
        bytes = 0xc0 | (c >> 6) | ((0x80 | (c & 0x3f)) << 8);
        n = 2;
      } else {
        const next = s.charCodeAt(i + 1);
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
      // times the FNV prime 2^40 + 0x1b3, mod 2^64, in int32 steps: lo * 0x1b3 in 16-bit halves (each product
      // below 2^26), its carry and lo << 8 (the 2^40 part) go to hi
      const pl = (lo & 0xffff) * 0x1b3;
      const ph = (lo >>> 16) * 0x1b3 + (pl >>> 16);
      hi = (Math.imul(hi, 0x1b3) + (lo << 8) + (ph >>> 16)) | 0;
      lo = (ph << 16) | (pl & 0xffff);
    }
  }
  lo ^= tail;
  const pl = (lo & 0xffff) * 0x1b3;
  const ph = (lo >>> 16) * 0x1b3 + (pl >>> 16);
  state[0] = (Math.imul(hi, 0x1b3) + (lo << 8) + (ph >>> 16)) | 0;
  state[1] = (ph << 16) | (pl & 0xffff);
}

const HEX = Array.from('0123456789abcdef', (ch) => ch.charCodeAt(0));

/** The 16 hex digits of the state, as one flat string (a concatenation would leave V8 a rope to flatten later). */
function hex16(): string {
  const hi = state[0]!;
  const lo = state[1]!;
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

/**
 * The fingerprint of a label set exactly as Prometheus/Alertmanager compute `LabelSet.Fingerprint`:
 * FNV-1a 64-bit over the names sorted, each name and value followed by the byte 0xff; 16 lower-case hex digits.
 * @example fingerprint({ alertname: 'HighCPU', instance: 'node-1:9100', job: 'node', severity: 'critical' }) // '3fe3eebb3d364b4a'
 */
export function fingerprint(labels: Labels): string {
  const names = Object.keys(labels);
  // ASCII names sort the same by UTF-16 units as by UTF-8 bytes; only other names need the slow comparison
  let sorted = true;
  let ascii = true;
  for (let i = 0; i < names.length; i++) {
    if (i > 0 && names[i - 1]! > names[i]!) sorted = false;
    if (!isAscii(names[i]!)) ascii = false;
  }
  if (!ascii) names.sort(compareBytes);
  else if (!sorted) names.sort();
  state[0] = 0xcbf29ce4;
  state[1] = 0x84222325;
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    fnvString(name, 0xff);
    fnvString(labels[name]!, 0xff);
  }
  return hex16();
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}

/** Compares two strings by UTF-8 byte order, as Go's `sort.Strings` does (UTF-16 order differs above U+FFFF). */
export function compareBytes(a: string, b: string): number {
  if (a === b) return 0;
  const ea = encoder.encode(a);
  const eb = encoder.encode(b);
  const n = Math.min(ea.length, eb.length);
  for (let i = 0; i < n; i++) {
    const d = ea[i]! - eb[i]!;
    if (d !== 0) return d;
  }
  return ea.length - eb.length;
}

/** A canonical string key for a label set (sorted names), used to intern series. Injective. */
export function labelsKey(labels: Labels): string {
  const names = Object.keys(labels);
  if (!isSorted(names)) names.sort();
  // Fast form: a \u0001 marker, then each name, \u0001, its value, \u0000. Real labels hold neither control
  // character, and both are Latin-1, so the key stays a one-byte string (half the memory of the U+FFFF/U+FFFE
  // separators used before, and faster to hash). A label holding either falls back to JSON, which escapes them
  // and starts with '['.
  const parts: string[] = ['\u0001'];
  for (let i = 0; i < names.length; i++) {
    const n = names[i]!;
    const v = labels[n]!;
    if (hasSeparator(n) || hasSeparator(v)) return JSON.stringify(names.flatMap((k) => [k, labels[k]]));
    parts.push(n, '\u0001', v, '\u0000');
  }
  // join() gives a flat string (repeated += leaves V8 holding a rope of pieces: several times the memory)
  return parts.join('');
}

function isSorted(a: readonly string[]): boolean {
  for (let i = 1; i < a.length; i++) if (a[i - 1]! > a[i]!) return false;
  return true;
}

function hasSeparator(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) <= 1) return true;
  return false;
}

/** Formats labels the way Prometheus prints a series: `{a="1", b="x\"y"}`. */
export function formatLabels(labels: Labels): string {
  const names = Object.keys(labels).sort(compareBytes);
  const name = labels['__name__'];
  const inner = names
    .filter((n) => n !== '__name__')
    .map((n) => `${n}=${JSON.stringify(labels[n])}`)
    .join(', ');
  return `${name ?? ''}{${inner}}`;
}
