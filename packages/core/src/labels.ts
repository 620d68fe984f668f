import { labelHash as hasher } from './fnv.js';

/** A label set: the identity of a series or an alert. Names follow Prometheus (`[a-zA-Z_][a-zA-Z0-9_]*`). */
export type Labels = Readonly<Record<string, string>>;

const encoder = new TextEncoder();

/**
 * The fingerprint of a label set exactly as Prometheus/Alertmanager compute `LabelSet.Fingerprint`:
 * FNV-1a 64-bit over the names sorted, each name and value followed by the byte 0xff; 16 lower-case hex digits.
 * @example fingerprint({ alertname: 'HighCPU', instance: 'node-1:9100', job: 'node', severity: 'critical' }) // '3fe3eebb3d364b4a'
 */
export function fingerprint(labels: Labels): string {
  return hasher.hash(sortedNames(labels), labels);
}

/** The names of a label set in Prometheus's order: by UTF-8 bytes, as Go sorts strings. */
export function sortedNames(labels: Labels): string[] {
  const names = Object.keys(labels);
  // ASCII names sort the same by UTF-16 units as by UTF-8 bytes; only other names need the slow comparison
  let sorted = true;
  let ascii = true;
  for (let i = 0; i < names.length; i++) {
    if (i > 0 && names[i - 1]! > names[i]!) sorted = false;
    if (!isAscii(names[i]!)) ascii = false;
  }
  if (!ascii) names.sort(compareBytes);
  else if (!sorted) insertionSort(names);
  return names;
}

/** Sorts a few strings in place; for the ten-odd names of a label set it beats `Array.prototype.sort`'s setup. */
function insertionSort(a: string[]): void {
  if (a.length > 32) {
    a.sort();
    return;
  }
  for (let i = 1; i < a.length; i++) {
    const x = a[i]!;
    let j = i - 1;
    for (; j >= 0 && a[j]! > x; j--) a[j + 1] = a[j]!;
    a[j + 1] = x;
  }
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
