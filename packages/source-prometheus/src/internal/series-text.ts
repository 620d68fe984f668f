import { ExpositionError } from '../errors.js';
import type { ExpositionLimits } from './limits.js';

const QUOTE = 34;
const BACKSLASH = 92;
const CLOSE = 125;
const ESCAPES: Readonly<Record<string, string>> = { n: '\n', '\\': '\\', '"': '"' };

/** Whether `c` may appear in a metric name (`[a-zA-Z0-9_:]`; the first character may not be a digit). */
export function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 58;
}

function isLabelStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isLabelChar(c: number): boolean {
  return isLabelStart(c) || (c >= 48 && c <= 57);
}

/** Per ASCII unit: {@link LABEL_START} and {@link LABEL_CHAR} bits (one load instead of five range checks). */
const LABEL_CLASS: Uint8Array = new Uint8Array(128);
const LABEL_START = 1;
const LABEL_CHAR = 2;
for (let c = 0; c < 128; c++)
  LABEL_CLASS[c] = (isLabelStart(c) ? LABEL_START : 0) | (isLabelChar(c) ? LABEL_CHAR : 0);

/** Returns the index just past the `}` closing the label block that opens at `open`, or -1 when it never closes. */
export function skipLabelBlock(s: string, open: number, end: number): number {
  let quoted = false;
  for (let i = open + 1; i < end; i++) {
    const c = s.charCodeAt(i);
    if (quoted) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) quoted = false;
    } else if (c === QUOTE) quoted = true;
    else if (c === CLOSE) return i + 1;
  }
  return -1;
}

/** Undoes label-value escaping: `\\`, `\"`, `\n`; any other escape is kept as written (as Prometheus does). */
export function unescapeValue(raw: string, help = false): string {
  if (!raw.includes('\\')) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    const next = raw[i + 1];
    const unescaped = c === '\\' ? ESCAPES[next ?? ''] : undefined;
    if (unescaped === undefined || (help && next === '"')) {
      out += c;
    } else {
      out += unescaped;
      i++;
    }
  }
  return out;
}

function skipSpace(s: string, i: number, end: number): number {
  while (i < end && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9)) i++;
  return i;
}

/**
 * Parses the label block `s[open, close)` (from `{` to just past `}`) into a flat `[name, value, …]` list,
 * checking names, duplicates and the label limits. Only runs for series not yet in the cache.
 *
 * `previous` is the list of the series parsed before: a name equal to the one in the same place there is taken
 * from it. A family's series name the same labels in the same order, and a name string already used as a
 * property key is internalized: a fresh slice would be allocated and looked up in V8's string table again when
 * the label object is built.
 */
export function parseLabelBlock(
  s: string,
  open: number,
  close: number,
  line: number,
  limits: ExpositionLimits,
  previous: readonly string[] = [],
): string[] {
  const out: string[] = [];
  let i = skipSpace(s, open + 1, close);
  while (s.charCodeAt(i) !== CLOSE) {
    const nameStart = i;
    if (!isLabelStart(s.charCodeAt(i))) syntax(s, open, close, line, 'invalid label name');
    while (isLabelChar(s.charCodeAt(i))) i++;
    const name = sameText(previous[out.length], s, nameStart, i) ?? s.slice(nameStart, i);
    i = skipSpace(s, i, close);
    if (s.charCodeAt(i) !== 61) syntax(s, open, close, line, `expected "=" after label name "${name}"`);
    i = skipSpace(s, i + 1, close);
    if (s.charCodeAt(i) !== QUOTE)
      syntax(s, open, close, line, `expected a quoted value for label "${name}"`);
    const valueStart = ++i;
    let escaped = false;
    for (let c = s.charCodeAt(i); c !== QUOTE; c = s.charCodeAt(i)) {
      if (c === BACKSLASH) {
        escaped = true;
        i += 2;
      } else i++;
    }
    // most values hold no escape: the slice is the value (unescapeValue would scan it again to find that out)
    const value = escaped ? unescapeValue(s.slice(valueStart, i)) : s.slice(valueStart, i);
    checkLabel(out, name, value, line, limits);
    out.push(name, value);
    i = skipSpace(s, i + 1, close);
    if (s.charCodeAt(i) === 44) i = skipSpace(s, i + 1, close);
    else if (s.charCodeAt(i) !== CLOSE)
      syntax(s, open, close, line, `expected "," or "}" after label "${name}"`);
  }
  return out;
}

/** Throws the syntax error of a label block (a function of its own: a closure per block cost an allocation). */
function syntax(s: string, open: number, close: number, line: number, msg: string): never {
  throw new ExpositionError('ERR_EXPOSITION_SYNTAX', line, msg, s.slice(open, close));
}

/** `known` when it is the text `s[start, end)`, else `undefined`. */
function sameText(known: string | undefined, s: string, start: number, end: number): string | undefined {
  if (known === undefined || known.length !== end - start) return undefined;
  for (let j = 0; j < known.length; j++)
    if (known.charCodeAt(j) !== s.charCodeAt(start + j)) return undefined;
  return known;
}

function checkLabel(
  out: readonly string[],
  name: string,
  value: string,
  line: number,
  limits: ExpositionLimits,
): void {
  for (let j = 0; j < out.length; j += 2) {
    if (out[j] === name)
      throw new ExpositionError('ERR_EXPOSITION_SYNTAX', line, `duplicate label "${name}"`);
  }
  if (name === '__name__') {
    throw new ExpositionError(
      'ERR_EXPOSITION_SYNTAX',
      line,
      'label "__name__" is not allowed in a label block',
    );
  }
  if (limits.labelLimit && out.length / 2 + 1 > limits.labelLimit)
    overLimit(line, 'label count', limits.labelLimit);
  if (limits.labelNameLengthLimit && name.length > limits.labelNameLengthLimit) {
    overLimit(line, `length of label name "${name.slice(0, 40)}"`, limits.labelNameLengthLimit);
  }
  if (limits.labelValueLengthLimit && value.length > limits.labelValueLengthLimit) {
    overLimit(line, `length of the value of label "${name}"`, limits.labelValueLengthLimit);
  }
}

function overLimit(line: number, what: string, max: number): never {
  throw new ExpositionError('ERR_EXPOSITION_LIMIT', line, `${what} exceeds the limit of ${max}`);
}

/** Numbers per label in the spans {@link scanLabelBlock} writes: name start and end, value start and end, escaped. */
export const SPAN = 5;
/** Most labels a block may have for {@link scanLabelBlock}; a longer one takes the slow path. */
export const MAX_SPANS = 32;
/** Where {@link scanLabelBlock} writes the index just past the block's `}`, after the labels' spans. */
export const SPANS_END: number = MAX_SPANS * SPAN;
/** The length of a spans array {@link scanLabelBlock} writes into. */
export const SPANS_LENGTH: number = SPANS_END + 1;

/**
 * Finds the labels of the block that opens at `open` without building strings: per label, the name's and the raw
 * value's start and end in `s` and whether the value holds an escape, {@link SPAN} numbers each, into `spans`, and
 * the index just past its `}` into `spans[SPANS_END]`. The block must close before `close` (its own end, or the end
 * of its line: a first page is scanned once, without finding the block's end first). Returns the number of labels,
 * or -1 for anything {@link parseLabelBlock} must judge (a syntax error, a block not closed before `close`,
 * `__name__`, a limit that may be exceeded, more than {@link MAX_SPANS} labels): it then parses the block and throws
 * or builds it. Duplicate names are left to the caller, which sorts the names anyway.
 */
export function scanLabelBlock(
  s: string,
  open: number,
  close: number,
  limits: ExpositionLimits,
  spans: Int32Array,
): number {
  // read once per block: most pages are scraped without label limits
  const limited = !!(limits.labelLimit || limits.labelNameLengthLimit || limits.labelValueLengthLimit);
  let n = 0;
  let i = open + 1;
  // one read per unit, spaces skipped only where there are any (a unit past the end reads NaN: no class, no match)
  let c = s.charCodeAt(i);
  if (c === 32 || c === 9) c = s.charCodeAt((i = skipSpace(s, i, close)));
  while (c !== CLOSE) {
    if (n === MAX_SPANS || !(c < 128) || (LABEL_CLASS[c]! & LABEL_START) === 0) return -1;
    const nameStart = i;
    c = s.charCodeAt(++i);
    while (c < 128 && (LABEL_CLASS[c]! & LABEL_CHAR) !== 0) c = s.charCodeAt(++i);
    const nameEnd = i;
    if (c === 32 || c === 9) c = s.charCodeAt((i = skipSpace(s, i, close)));
    if (c !== 61) return -1;
    c = s.charCodeAt(++i);
    if (c === 32 || c === 9) c = s.charCodeAt((i = skipSpace(s, i, close)));
    if (c !== QUOTE) return -1;
    const valueStart = ++i;
    let escaped = 0;
    for (;;) {
      if (i >= close) return -1;
      c = s.charCodeAt(i);
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        escaped = 1;
        i += 2;
      } else i++;
    }
    if (
      (limited && overLimits(limits, n, nameEnd - nameStart, i - valueStart)) ||
      isNameLabel(s, nameStart, nameEnd)
    )
      return -1;
    const at = n * SPAN;
    spans[at] = nameStart;
    spans[at + 1] = nameEnd;
    spans[at + 2] = valueStart;
    spans[at + 3] = i;
    spans[at + 4] = escaped;
    n++;
    c = s.charCodeAt(++i);
    if (c === 32 || c === 9) c = s.charCodeAt((i = skipSpace(s, i, close)));
    if (c === 44) {
      c = s.charCodeAt(++i);
      if (c === 32 || c === 9) c = s.charCodeAt((i = skipSpace(s, i, close)));
    } else if (c !== CLOSE) return -1;
  }
  if (i >= close) return -1;
  spans[SPANS_END] = i + 1;
  return n;
}

/** Whether a label (the `n`-th, with a name and raw value this long) may break a limit (the slow path then checks). */
function overLimits(limits: ExpositionLimits, n: number, nameLength: number, rawLength: number): boolean {
  return (
    (!!limits.labelLimit && n + 1 > limits.labelLimit) ||
    (!!limits.labelNameLengthLimit && nameLength > limits.labelNameLengthLimit) ||
    (!!limits.labelValueLengthLimit && rawLength > limits.labelValueLengthLimit)
  );
}

function isNameLabel(s: string, start: number, end: number): boolean {
  return end - start === 8 && s.startsWith('__name__', start);
}
