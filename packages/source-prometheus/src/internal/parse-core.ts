import { ExpositionError } from '../errors.js';
import { type CommentLine, NO_SLOT, type SeriesCache } from './cache.js';
import { parseCommentLine } from './comments.js';
import type { ExpositionLimits } from './limits.js';
import { parsedNumber, parseNumber, parseNumberInto } from './numbers.js';
import {
  isNameChar,
  parseLabelBlock,
  SPANS_END,
  SPANS_LENGTH,
  scanLabelBlock,
  skipLabelBlock,
} from './series-text.js';

/** Which exposition format a page is in. */
export type ExpositionFormat = 'text' | 'openmetrics';

/** Metric types of both formats (`untyped` is 0.0.4's name for OpenMetrics' `unknown`). */
export type MetricType =
  | 'counter'
  | 'gauge'
  | 'histogram'
  | 'gaugehistogram'
  | 'summary'
  | 'info'
  | 'stateset'
  | 'untyped'
  | 'unknown';

const SUFFIXES = ['_total', '_bucket', '_count', '_sum', '_created', '_gcount', '_gsum', '_info'];

/** What a new series' name says: shared by a run of series of one name. */
export interface SeriesHead {
  readonly name: string;
  /** The family the sample belongs to (the TYPE name) and its type, `untyped`/`unknown` when none was declared. */
  readonly family: string;
  readonly type: MetricType;
  /** An OpenMetrics `_created` sample of a counter, histogram or summary: a creation time, not a measurement. */
  readonly created: boolean;
}

/** A series seen for the first time (a cache miss), fully parsed and checked. */
export interface ParsedSeries extends SeriesHead {
  /** Flat `[name, value, name, value, …]` from the label block, unescaped. */
  readonly labels: readonly string[];
  readonly line: number;
}

/**
 * Receives what the parser finds. A new series text is resolved to a number the cache keeps for it (its `val`,
 * e.g. a registry id); samples name the cache slot of their series.
 */
export interface ParseHandler {
  /** Called once per new series text. */
  resolve(series: ParsedSeries): number;
  /**
   * Called instead of {@link resolve} for a new series whose label block scanned clean: the series is `s[start,
   * end)` (the page: read it during the call, keep none of it), its name ends at `nameEnd` and its `n` labels are
   * spans, all indices into `s` (see `scanLabelBlock`; valid only during the call). What may be kept is the same
   * text in `text` from `from` on (a string of its own, or, where every series of the page is new, the page itself
   * that its other series share too). Returns
   * `undefined` to have it parsed and given to {@link resolve} after all (which also reports errors the scan leaves
   * to it, such as a repeated label name).
   */
  resolveText?(
    head: SeriesHead,
    s: string,
    start: number,
    nameEnd: number,
    end: number,
    spans: Int32Array,
    n: number,
    text: string,
    from: number,
  ): number | undefined;
  /**
   * Whether the series a text was just resolved to was already written on this page. A first page is parsed
   * without the cache's map by text, so a repeated line resolves again; answering `true` makes the parser look the
   * text up after all and use the slot already cached for it. Without this method a repeated text of a first page
   * gets a slot of its own.
   */
  recurs?(val: number): boolean;
  /** A sample of the series cached in `slot`; `timestampMs` is NaN when the line has none. */
  sample(slot: number, value: number, timestampMs: number, line: number): void;
  metadata?(kind: 'help' | 'type' | 'unit', name: string, text: string): void;
}

// A cached key must not keep the whole page alive: V8 slices point into their parent string.
const flatten = (s: string): string => (s.length < 13 ? s : ` ${s}`.slice(1));

/**
 * Parses a page into `handler`, looking each series text (name plus raw label block) up in `cache` first, so a
 * steady-state scrape parses only values. Throws {@link ExpositionError} with the line number on bad input.
 * Returns the number of sample lines.
 */
export function parseBody(
  body: string,
  format: ExpositionFormat,
  cache: SeriesCache,
  handler: ParseHandler,
  limits: ExpositionLimits = {},
): number {
  const parser = new BodyParser(body, format, cache, handler, limits);
  parser.step(Number.POSITIVE_INFINITY);
  return parser.finish();
}

/** Lines whose length {@link estimateLines} measures. */
const SAMPLED_LINES = 64;

/**
 * About how many lines the page `s` has, from the length of its first {@link SAMPLED_LINES} lines: enough to size
 * the columns a first page of new series fills (a page's lines are alike in length), at a cost of those lines.
 */
export function estimateLines(s: string): number {
  let pos = 0;
  for (let lines = 0; lines < SAMPLED_LINES; lines++) {
    if (pos >= s.length) return lines;
    const nl = s.indexOf('\n', pos);
    if (nl < 0) return lines + 1;
    pos = nl + 1;
  }
  return pos >= s.length ? SAMPLED_LINES : Math.ceil((s.length / pos) * SAMPLED_LINES);
}

/** A page parsed a slice at a time (see {@link bodyParser}). */
export interface SlicedBodyParser {
  /**
   * Parses whole lines until the page ends, `performance.now()` passes `untilMs` or the lines parsed reach
   * `maxWork` (a new series counting {@link NEW_SERIES_WORK}, at least one line a step); returns whether the page
   * is done. The cache and handler are mid-page in between: nothing else may parse into them until it is.
   */
  step(untilMs: number, maxWork?: number): boolean;
  /** Checks the end of the page (final line feed, `# EOF`) and returns the number of sample lines. */
  finish(): number;
}

/**
 * {@link parseBody} in slices, so that a caller can give the event loop back between them: a first scrape of a
 * large page parses and interns every series, which takes far longer than a host should be held.
 */
export function bodyParser(
  body: string,
  format: ExpositionFormat,
  cache: SeriesCache,
  handler: ParseHandler,
  limits: ExpositionLimits = {},
): SlicedBodyParser {
  return new BodyParser(body, format, cache, handler, limits);
}

/** Lines parsed between two looks at the clock (a look costs about what a cached line does). */
const LINES_PER_CLOCK_READ = 64;

/**
 * What a new series costs in the work a slice is bounded by ({@link SlicedBodyParser.step}), counting a line of a
 * known series as 1: a new one is scanned, hashed, interned and cached, about 10 to 20 times the CPU of a known
 * line in `pnpm bench:scrape`.
 */
export const NEW_SERIES_WORK = 16;

class BodyParser implements SlicedBodyParser {
  private pos = 0;
  private line = 0;
  /** The slot of the last sample line's series. */
  private prev = NO_SLOT;
  /** Index just past the series text of the current line. */
  private keyEnd = 0;
  private samples = 0;
  private eof = false;
  private readonly om: boolean;
  private readonly page: number;
  private readonly comments: CommentLine[] = [];
  /** Index, in the last page's comment lines, of the one expected next. */
  private nextComment = 0;
  /** The head of the last new series since the last comment line (see head). */
  private lastHead: SeriesHead | undefined;
  /** Whether the line being looked up has the name of {@link lastHead} (see {@link nameEnd}). */
  private sameHead = false;
  /** Label spans of the new series being resolved (see scanLabelBlock). */
  private readonly spans = new Int32Array(SPANS_LENGTH);
  /** The label list of the last new series: its names are reused by the next one (see parseLabelBlock). */
  private lastNames: readonly string[] = [];
  /**
   * Whether every cached series was added on this page and the cache has no map by text yet: a text not found in
   * place is then new (or repeated on this page, which the handler's `recurs` tells), so it is not looked up.
   */
  private fresh: boolean;
  /** Where the text {@link ownText} returned last starts in it. */
  private textFrom = 0;
  /** Work done by the current {@link step}: lines, a new series counting {@link NEW_SERIES_WORK}. */
  private work = 0;

  constructor(
    private readonly s: string,
    format: ExpositionFormat,
    private readonly cache: SeriesCache,
    private readonly handler: ParseHandler,
    private readonly limits: ExpositionLimits,
  ) {
    this.om = format === 'openmetrics';
    this.page = ++cache.page;
    this.fresh = cache.size === 0 && !cache.indexed;
  }

  step(untilMs: number, maxWork = Number.POSITIVE_INFINITY): boolean {
    const s = this.s;
    const len = s.length;
    const timed = untilMs !== Number.POSITIVE_INFINITY;
    let pos = this.pos;
    let lines = 0;
    // work of this step: its lines plus NEW_SERIES_WORK - 1 more per new series (lookup counts those)
    this.work = 0;
    while (pos < len) {
      if (this.work >= maxWork) break;
      this.work++;
      if (timed && ++lines === LINES_PER_CLOCK_READ) {
        lines = 0;
        if (performance.now() >= untilMs) break;
      }
      this.line++;
      let end = s.indexOf('\n', pos);
      if (end < 0) end = len;
      if (this.eof) this.fail('unexpected data after "# EOF"', pos, end);
      const c = s.charCodeAt(pos);
      if (c === 35) this.comment(pos, end);
      else if (isNameChar(c) && (c < 48 || c > 57)) this.sample(pos, end);
      else if (this.om || !isBlank(s, pos, end)) this.fail('expected a metric name or "#"', pos, end);
      pos = end + 1;
    }
    this.pos = pos;
    return pos >= len;
  }

  finish(): number {
    const s = this.s;
    const len = s.length;
    // The format requires a final line feed; without one, a page cut short mid-number would parse as valid.
    if (len > 0 && s.charCodeAt(len - 1) !== 10 && !this.eof) {
      throw new ExpositionError(
        'ERR_EXPOSITION_SYNTAX',
        this.line,
        'page does not end with a line feed (truncated?)',
      );
    }
    if (this.om && !this.eof) {
      throw new ExpositionError('ERR_EXPOSITION_SYNTAX', 0, 'OpenMetrics page does not end with "# EOF"');
    }
    this.cache.lastComments = this.comments;
    return this.samples;
  }

  private fail(msg: string, start: number, end: number): never {
    throw new ExpositionError('ERR_EXPOSITION_SYNTAX', this.line, msg, this.s.slice(start, end));
  }

  private sample(start: number, end: number): void {
    const s = this.s;
    // Steady state: the line holds the series that followed the previous one last time. A cached key is a
    // complete, checked series text, so "the line starts with it and a separator follows" identifies it.
    const cache = this.cache;
    let slot = this.prev === NO_SLOT ? cache.first : cache.next[this.prev]!;
    let i = 0;
    // a free slot's key is '' (and a line never starts with a separator), so it never matches
    const key = slot === NO_SLOT ? undefined : cache.key(slot);
    // slice-and-compare beats startsWith(key, start) severalfold in V8
    if (key !== undefined && s.slice(start, start + key.length) === key) i = start + key.length;
    const c = s.charCodeAt(i);
    if (i === 0 || (c !== 32 && c !== 9)) {
      slot = this.lookup(start, end);
      i = this.keyEnd;
    }
    if (this.prev === NO_SLOT) cache.first = slot;
    else cache.next[this.prev] = slot;
    this.prev = slot;
    if (++this.samples > (this.limits.sampleLimit || Number.POSITIVE_INFINITY)) {
      throw new ExpositionError(
        'ERR_EXPOSITION_LIMIT',
        this.line,
        `sample count exceeds the limit of ${this.limits.sampleLimit}`,
      );
    }
    this.values(slot, i, start, end);
  }

  private lookup(start: number, end: number): number {
    const s = this.s;
    let i = this.nameEnd(start, end);
    const nameEnd = i;
    // labels not scanned yet (-1), or how many the scan found (their spans are in the page)
    let scanned = -1;
    if (s.charCodeAt(i) === 123) {
      // a fresh page's series is new: its block is scanned for the labels' spans and its end in one pass
      if (this.fresh && this.handler.resolveText !== undefined)
        scanned = scanLabelBlock(s, i, end, this.limits, this.spans);
      if (scanned >= 0) i = this.spans[SPANS_END]!;
      else {
        i = skipLabelBlock(s, i, end);
        if (i < 0) this.fail('label block is not closed', start, end);
      }
    } else if (this.fresh) scanned = 0;
    this.keyEnd = i;
    const known = this.fresh ? NO_SLOT : this.cache.find(s.slice(start, i));
    if (known !== NO_SLOT) return known;
    // The series is kept as the cache's own flat copy of its text (see ownText), never as the page: its label
    // strings, built later, are slices of what they are built from, and a slice of the page would keep the whole
    // page alive for as long as the series lives (V8 slices strings of 13 or more characters by reference). It is
    // scanned and hashed in the page (see resolveNew), which reading keeps nothing of.
    const text = this.ownText(start, i);
    const from = this.textFrom;
    this.work += NEW_SERIES_WORK - 1;
    const val = this.resolveNew(start, nameEnd, i, scanned, text, from);
    if (this.fresh && this.handler.recurs?.(val)) {
      // the same series again on a first page: under the same text (a repeated line) it keeps its slot
      this.fresh = false;
      const had = this.cache.find(s.slice(start, i));
      if (had !== NO_SLOT) return had;
    }
    return this.cache.add(text, val, from, from + i - start);
  }

  /**
   * Where the name of the line at `start` ends. A family's new series come one after another: a line that starts
   * with the last new series' name, a character that cannot be in a name after it, is that name, and
   * {@link head} then takes the last head as it is ({@link sameHead}) without comparing the name a second time.
   */
  private nameEnd(start: number, end: number): number {
    const s = this.s;
    const last = this.lastHead;
    if (last !== undefined) {
      const e = start + last.name.length;
      // startsWith on the flat page: 0.3-0.4x the time of a loop over the units (on the chunks once made, sliced
      // strings, it was the slower one)
      this.sameHead = e <= end && !isNameChar(s.charCodeAt(e)) && s.startsWith(last.name, start);
      if (this.sameHead) return e;
    }
    this.sameHead = false;
    let i = start + 1;
    while (i < end && isNameChar(s.charCodeAt(i))) i++;
    return i;
  }

  /**
   * A string holding the page's text `[start, end)` from {@link textFrom} on. On a page where every series is new it
   * is the page itself: the cache and the series registry keep it and the series' range in it, and nothing is
   * allocated per series. Copies of the page (a flat string per series, then one per 16 kB shared by the series in
   * it) were what every young-generation collection of a first scrape found alive and copied, 10 MB for a page of
   * 100k series. The page stays alive as long as one of its series is kept by its range; what the copies kept was
   * about as much: the series of a first page cover nearly all of it, the series registry never forgets one, and
   * their label strings are slices of what they are built from. Elsewhere (a page with known series) a new series
   * gets a flat copy of its own, so that a page of few new series is not kept for them.
   */
  private ownText(start: number, end: number): string {
    if (!this.fresh) {
      this.textFrom = 0;
      return flatten(this.s.slice(start, end));
    }
    this.textFrom = start;
    return this.s;
  }

  private values(slot: number, i: number, start: number, end: number): void {
    const s = this.s;
    const vStart = skipSpace(s, i, end);
    if (vStart === i) this.fail('expected a space and a value after the series', start, end);
    const vEnd = tokenEnd(s, vStart, end);
    if (!parseNumberInto(s, vStart, vEnd)) this.fail(`invalid value "${s.slice(vStart, vEnd)}"`, start, end);
    const value = parsedNumber[0]!;
    let ts = Number.NaN;
    i = skipSpace(s, vEnd, end);
    if (i < end && s.charCodeAt(i) !== 35) {
      const tEnd = tokenEnd(s, i, end);
      ts = this.timestamp(i, tEnd, start, end);
      i = skipSpace(s, tEnd, end);
    }
    if (i < end) this.trailer(i, start, end);
    this.handler.sample(slot, value, ts, this.line);
  }

  private timestamp(i: number, tEnd: number, start: number, end: number): number {
    const t = parseNumber(this.s, i, tEnd);
    if (this.om) {
      if (t === undefined || !Number.isFinite(t)) this.fail('invalid timestamp', start, end);
      return Math.round(t * 1000);
    }
    if (t === undefined || !Number.isSafeInteger(t))
      this.fail('invalid timestamp (integer milliseconds)', start, end);
    return t;
  }

  // What may follow value and timestamp: an OpenMetrics exemplar, which is checked for shape and ignored.
  private trailer(i: number, start: number, end: number): void {
    const s = this.s;
    if (!this.om) this.fail('unexpected text after the value (exemplars need OpenMetrics)', start, end);
    if (s.charCodeAt(i) !== 35 || s.charCodeAt(i + 1) !== 32 || s.charCodeAt(i + 2) !== 123) {
      this.fail('unexpected text after the value', start, end);
    }
    const close = skipLabelBlock(s, i + 2, end);
    if (close < 0 || skipSpace(s, close, end) === close || close - i - 3 > 512) {
      this.fail('malformed exemplar', start, end);
    }
  }

  /**
   * Resolves the new series `[start, close)` of the page (its name ends at `nameEnd`), kept as `text` from `from`
   * on (see {@link ownText}): from its label spans when the handler can, else from its parsed labels. `scanned` is
   * the number of labels already scanned into the spans, or -1. The spans are scanned and hashed in the page, never
   * in `text`: a copy of a series is a sliced string to V8, every character read through its parent, and code that
   * reads both kinds is slower for each.
   */
  private resolveNew(
    start: number,
    nameEnd: number,
    close: number,
    scanned: number,
    text: string,
    from: number,
  ): number {
    const h = this.handler;
    const s = this.s;
    if (h.resolveText !== undefined) {
      const n =
        scanned >= 0
          ? scanned
          : close > nameEnd
            ? scanLabelBlock(s, nameEnd, close, this.limits, this.spans)
            : 0;
      const val =
        n >= 0
          ? h.resolveText(
              this.head(start, nameEnd, text, from),
              s,
              start,
              nameEnd,
              close,
              this.spans,
              n,
              text,
              from,
            )
          : undefined;
      if (val !== undefined) return val;
    }
    // rare (a block the scan cannot vouch for): parsed from a string of its own, the labels are slices of it
    const own =
      from === 0 && close - start === text.length ? text : flatten(text.slice(from, from + close - start));
    return h.resolve(this.parseSeries(own, nameEnd - start, close - start));
  }

  /** Parses the series text `s` (its name ends at `nameEnd`, its label block at `close`). */
  private parseSeries(s: string, nameEnd: number, close: number): ParsedSeries {
    const labels =
      close > nameEnd ? parseLabelBlock(s, nameEnd, close, this.line, this.limits, this.lastNames) : [];
    this.lastNames = labels;
    const { name, family, type, created } = this.head(0, nameEnd, s, 0);
    return { name, labels, family, type, created, line: this.line };
  }

  /**
   * Name, family and type of the series being looked up, whose name is `[start, nameEnd)` of the page and lies in
   * `text` from `from` on. A family's series come one after another: the same name as the last new series (see
   * {@link nameEnd}) needs no family lookup (any comment line in between forgets it, since a TYPE line could change
   * the answer).
   */
  private head(start: number, nameEnd: number, text: string, from: number): SeriesHead {
    const last = this.lastHead;
    if (last !== undefined && this.sameHead) return last;
    // from the kept text: a head outlives the page (the hasher remembers the last one), and the page may be kept
    // only where its series keep it anyway (see ownText)
    const name = text.slice(from, from + nameEnd - start);
    const family = this.familyOf(name);
    const type = (this.typeOf(family)?.value as MetricType | undefined) ?? (this.om ? 'unknown' : 'untyped');
    const created =
      this.om && name.endsWith('_created') && family !== name && type !== 'gauge' && type !== 'unknown';
    const head = { name, family, type, created };
    this.lastHead = head;
    this.sameHead = true;
    return head;
  }

  private typeOf(name: string): CommentLine | undefined {
    const t = this.cache.types.get(name);
    return t?.page === this.page ? t : undefined;
  }

  private familyOf(name: string): string {
    if (this.typeOf(name)) return name;
    for (const suffix of SUFFIXES) {
      if (name.endsWith(suffix)) {
        const base = name.slice(0, -suffix.length);
        if (this.typeOf(base)) return base;
      }
    }
    return name;
  }

  private comment(start: number, end: number): void {
    this.lastHead = undefined;
    this.sameHead = false;
    // Steady state: the same HELP/TYPE line as last time in this place needs no parsing.
    const expected = this.cache.lastComments[this.nextComment];
    let line: CommentLine | undefined;
    if (
      expected !== undefined &&
      start + expected.text.length === end &&
      this.s.slice(start, end) === expected.text
    ) {
      line = expected;
    } else {
      const text = this.s.slice(start, end);
      line = this.cache.comments.get(text);
      if (line === undefined) {
        // parsed from a copy, as series are (see lookup): the cached line must not keep the page alive
        const own = flatten(text);
        const parsed = parseCommentLine(own, this.om, this.line);
        if (parsed === 'eof') this.eof = true;
        if (parsed === 'eof' || parsed === undefined) return;
        line = parsed;
        // a page of ever-changing comments must not grow the cache without bound
        if (this.cache.comments.size < 100_000) this.cache.comments.set(own, line);
      }
    }
    if (line.idx >= 0) this.nextComment = line.idx + 1;
    if (line.kind === 'type') {
      if (this.typeOf(line.name)) this.fail(`second TYPE line for "${line.name}"`, start, end);
      this.cache.types.set(line.name, line);
    }
    line.page = this.page;
    line.idx = this.comments.length;
    this.comments.push(line);
    this.handler.metadata?.(line.kind, line.name, line.value);
  }
}

function skipSpace(s: string, i: number, end: number): number {
  while (i < end && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9)) i++;
  return i;
}

function tokenEnd(s: string, i: number, end: number): number {
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c === 32 || c === 9) break;
    i++;
  }
  return i;
}

function isBlank(s: string, start: number, end: number): boolean {
  return (
    skipSpace(s, start, end) === end ||
    (s.charCodeAt(end - 1) === 13 && skipSpace(s, start, end - 1) === end - 1)
  );
}
