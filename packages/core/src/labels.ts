/** A label set: the identity of a series or an alert. Names follow Prometheus (`[a-zA-Z_][a-zA-Z0-9_]*`). */
export type Labels = Readonly<Record<string, string>>;

const encoder = new TextEncoder();

// FNV-1a 64-bit done in four 16-bit limbs (offset basis 0xcbf29ce484222325) so it stays in plain
// numbers: BigInt per byte is far slower, and fingerprints are computed on the interning path.

function fnv1a64(bytes: Uint8Array): string {
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  for (let i = 0; i < bytes.length; i++) {
    h0 ^= bytes[i]!;
    // multiply by the FNV prime 0x100000001b3 = 2^40 + 0x1b3, limb-wise mod 2^64
    const t0 = h0 * 0x1b3;
    const t1 = h1 * 0x1b3;
    const t2 = h2 * 0x1b3 + (h0 << 8);
    const t3 = h3 * 0x1b3 + (h1 << 8);
    h0 = t0 & 0xffff;
    const c1 = t1 + (t0 >>> 16);
    h1 = c1 & 0xffff;
    const c2 = t2 + Math.floor(c1 / 0x10000);
    h2 = c2 & 0xffff;
    h3 = (t3 + Math.floor(c2 / 0x10000)) & 0xffff;
  }
  return hex4(h3) + hex4(h2) + hex4(h1) + hex4(h0);
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}

/**
 * The fingerprint of a label set exactly as Prometheus/Alertmanager compute `LabelSet.Fingerprint`:
 * FNV-1a 64-bit over the names sorted, each name and value followed by the byte 0xff; 16 lower-case hex digits.
 * @example fingerprint({ alertname: 'HighCPU', instance: 'node-1:9100', job: 'node', severity: 'critical' }) // '3fe3eebb3d364b4a'
 */
export function fingerprint(labels: Labels): string {
  const names = Object.keys(labels).sort(compareBytes);
  const parts: Uint8Array[] = [];
  let size = 0;
  for (const name of names) {
    const n = encoder.encode(name);
    const v = encoder.encode(labels[name]!);
    parts.push(n, v);
    size += n.length + v.length + 2;
  }
  const buf = new Uint8Array(size);
  let off = 0;
  for (const p of parts) {
    buf.set(p, off);
    off += p.length;
    buf[off++] = 0xff;
  }
  return fnv1a64(buf);
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
  // Fast form: names and values joined by two noncharacters (U+FFFF, U+FFFE) that real labels do not hold,
  // behind a U+FFFF marker. A label holding either falls back to JSON quoting, whose keys start with '['.
  const parts: string[] = ['\uffff'];
  for (const n of names) {
    const v = labels[n]!;
    if (hasSeparator(n) || hasSeparator(v)) return JSON.stringify(names.flatMap((k) => [k, labels[k]]));
    parts.push(n, '\uffff', v, '\ufffe');
  }
  // join() gives a flat string (repeated += leaves V8 holding a rope of pieces: several times the memory)
  return parts.join('');
}

function isSorted(a: readonly string[]): boolean {
  for (let i = 1; i < a.length; i++) if (a[i - 1]! > a[i]!) return false;
  return true;
}

function hasSeparator(s: string): boolean {
  return s.indexOf('\uffff') >= 0 || s.indexOf('\ufffe') >= 0;
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
