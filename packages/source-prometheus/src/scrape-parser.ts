import type { Labels, MetricBatchBuilder, SeriesRegistry } from '@argus/core';
import { SERIES_REJECTED, textHash } from '@argus/core';
import { SeriesCache } from './internal/cache.js';
import type { ExpositionLimits } from './internal/limits.js';
import {
  bodyParser,
  type ExpositionFormat,
  estimateLines,
  type ParsedSeries,
  type ParseHandler,
  type SeriesHead,
  type SlicedBodyParser,
} from './internal/parse-core.js';
import { labelBuilder, SeriesTextHasher, seriesLabels } from './internal/series-hash.js';

/** Options of {@link createScrapeParser}. */
export interface ScrapeParserOptions {
  /** Where new series are interned (a pipeline's `ctx.series`). */
  readonly series: SeriesRegistry;
  /** Labels added to every series, e.g. `{ job, instance }`. */
  readonly targetLabels?: Labels;
  /** On a clash, keep the page's label (`true`) or rename it to `exported_<name>` (`false`, Prometheus's default). */
  readonly honorLabels?: boolean;
  readonly limits?: ExpositionLimits;
}

/** Counts from one {@link ScrapeParser.parse}. */
export interface ScrapeParseResult {
  /** Sample lines on the page (`scrape_samples_scraped`). */
  readonly samples: number;
  /** Series not seen on the previous page (`scrape_series_added`). */
  readonly added: number;
  /** Stale markers written for series that vanished. */
  readonly stale: number;
  /** Repeated series on the page; the repeats are dropped. */
  readonly duplicates: number;
  /** Samples dropped because the series registry refused new series (its cap). */
  readonly rejected: number;
}

/** Parses successive pages of one target into batches, remembering its series between scrapes. */
export interface ScrapeParser {
  /**
   * Parses a page into `out` (samples without a timestamp get `timeMs`) and writes stale markers for series
   * the previous page had and this one lacks. Throws `ExpositionError`; after a throw `out` holds a partial
   * page and must be discarded, and the caller should call {@link ScrapeParser.markStale}.
   */
  parse(body: string, format: ExpositionFormat, timeMs: number, out: MetricBatchBuilder): ScrapeParseResult;
  /**
   * {@link ScrapeParser.parse} in slices of about `sliceMs` (5 ms), giving the event loop back between them: a
   * first scrape parses and interns every series of the page, which can take far longer than a host may be
   * held. A second call before the first settles throws.
   */
  parseSliced(
    body: string,
    format: ExpositionFormat,
    timeMs: number,
    out: MetricBatchBuilder,
    options?: ParseSlicedOptions,
  ): Promise<ScrapeParseResult>;
  /** Writes a stale marker for every live series (target down or gone) and forgets them. Returns how many. */
  markStale(timeMs: number, out: MetricBatchBuilder): number;
  /** Series currently live. */
  readonly size: number;
}

/** Options of {@link ScrapeParser.parseSliced}. */
export interface ParseSlicedOptions {
  /** Longest stretch of parsing between two yields, in ms. @default 5 */
  readonly sliceMs?: number;
  /**
   * Most work in one slice, in lines, a new series counting as 16 lines (it is scanned, hashed,
   * interned and cached): bounds a slice by work done as well as by the clock, so a slice that the process spends
   * descheduled, or a fast clock read missed, still ends. The default keeps a slice of a first scrape (512 new
   * series) at 1 to 3 ms of CPU in `pnpm bench:scrape`. @default 8192
   */
  readonly sliceWork?: number;
  /** How to give the loop back between slices. @default a `setImmediate` turn */
  readonly yield?: () => Promise<void>;
}

const DEFAULT_SLICE_MS = 5;
/** Pages of about this many lines or more have room made for their series when every one is new (see reserve). */
const RESERVE_FROM = 16_384;
const DEFAULT_SLICE_WORK = 8192;
const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

// An OpenMetrics `_created` line: cached so it is recognised, never emitted.
const CREATED = -2;

/**
 * The cache's per-slot columns as this parser uses them: `val` is the series id (or {@link CREATED} or
 * `SERIES_REJECTED`), `seen` the page the series was last written on, `prevSeen` that before this page touched it
 * (tells, after a failed page, whether the series was live), and `flags` whether its last sample carried its own
 * timestamp (then no stale marker is written for it, as Prometheus does).
 */
const EXPLICIT_TS = 1;

/**
 * Creates the hot-path parser the scrape source uses, one per target. Series are looked up by their raw text
 * (name and label block) in a per-target cache, as Prometheus does, so a steady-state scrape interns nothing
 * and allocates little beyond the output columns.
 * @example
 * const parser = createScrapeParser({ series: createSeriesRegistry(), targetLabels: { job: 'node' } });
 * const out = new MetricBatchBuilder();
 * parser.parse(page, 'text', Date.now(), out);
 * const batch = out.build();
 */
export function createScrapeParser(options: ScrapeParserOptions): ScrapeParser {
  return new TargetParser(options);
}

/** The parse handler and the per-target state between pages. */
class TargetParser implements ScrapeParser, ParseHandler {
  private readonly cache = new SeriesCache();
  private readonly target: [string, string][];
  private readonly honor: boolean;
  private epoch = 0;
  /** Whether the last page failed: its new series were never written, so they are not live. */
  private failed = false;
  /** The page each series id was last written on, to catch a series written twice under two texts. */
  private idEpoch: Int32Array = new Int32Array(64);
  private lastFormat: ExpositionFormat | undefined;
  private added = 0;
  private duplicates = 0;
  private seen = 0;
  private time = 0;
  private out: MetricBatchBuilder | undefined;
  private rejectedBefore = 0;
  /** Whether {@link open} made room for a page of new series (see {@link reserve}). */
  private reserved = false;

  private readonly hasher: SeriesTextHasher;
  /** Builds a series' labels from its text, for the registry (one function for all of the target's series). */
  private readonly build: (text: string) => Labels;

  constructor(private readonly options: ScrapeParserOptions) {
    this.target = Object.entries(options.targetLabels ?? {});
    this.honor = options.honorLabels ?? false;
    this.hasher = new SeriesTextHasher(this.target, this.honor);
    this.build = labelBuilder(this.target, this.honor);
  }

  get size(): number {
    return this.cache.size;
  }

  resolve(series: ParsedSeries): number {
    return this.issued(
      series.created
        ? CREATED
        : this.options.series.intern(seriesLabels(series.name, series.labels, this.target, this.honor)),
    );
  }

  /**
   * A new series interned by its text and fingerprint: no label strings, label object or key string is made for
   * it; the registry builds its labels when someone asks for them. `undefined` when the registry cannot intern by
   * text or only built labels can tell the series (see {@link SeriesTextHasher.hash}).
   */
  resolveText(
    head: SeriesHead,
    s: string,
    start: number,
    nameEnd: number,
    end: number,
    spans: Int32Array,
    n: number,
    text: string,
    from: number,
  ): number | undefined {
    if (head.created) return CREATED;
    const series = this.options.series;
    if (series.internText === undefined) return undefined;
    const count = this.hasher.hash(head, s, start, nameEnd, spans, n);
    if (count < 0) return undefined;
    // the registry keeps the text (on a first page, the page) and the range, no string per series (see BodyParser.ownText)
    const to = from + end - start;
    return this.issued(series.internText(textHash.hi, textHash.lo, count, text, this.build, from, to));
  }

  /**
   * Makes room for about `count` new series in the cache, the registry and {@link idEpoch} before a page of them,
   * unless they are few; returns whether it did. Each grown as it filled copied all it held, several columns at
   * once, 5 to 15 ms of CPU inside one slice of a first scrape of 100k series. Making the room costs about as
   * much (the memory is zeroed), so a sliced parse gives it a slice of its own.
   */
  private reserve(count: number): boolean {
    if (count < RESERVE_FROM) return false;
    this.cache.reserve(count);
    const series = this.options.series;
    series.reserve?.(count);
    if (series.size + count > this.idEpoch.length) this.idEpoch = grow(this.idEpoch, series.size + count);
    return true;
  }

  /** A series id just resolved, with room for it in {@link idEpoch}. */
  private issued(id: number): number {
    if (id >= this.idEpoch.length) this.idEpoch = grow(this.idEpoch, id);
    return id;
  }

  /** Whether a just resolved series was written on this page already (a `_created` line or a refused series cannot tell: assumed so). */
  recurs(id: number): boolean {
    return id < 0 || this.idEpoch[id] === this.epoch;
  }

  sample(slot: number, value: number, ts: number): void {
    const epoch = this.epoch;
    const c = this.cache;
    const seen = c.seen[slot]!;
    if (seen === epoch) {
      this.duplicates++;
      return;
    }
    const id = c.val[slot]!;
    if (seen !== epoch - 1 && id >= 0) this.added++;
    c.setPrevSeen(slot, seen);
    c.seen[slot] = epoch;
    this.seen++;
    if (id < 0) {
      if (id === SERIES_REJECTED) this.out!.push(SERIES_REJECTED, 0, 0);
      return;
    }
    // two texts can name one series (`m{a=""}` is `m`): the second is a duplicate too
    if (this.idEpoch[id] === epoch) {
      this.duplicates++;
      return;
    }
    this.idEpoch[id] = epoch;
    // NaN marks a line without a timestamp
    const explicit = !Number.isNaN(ts);
    c.setFlags(slot, explicit ? EXPLICIT_TS : 0);
    this.out!.push(id, explicit ? ts : this.time, value);
  }

  parse(
    body: string,
    format: ExpositionFormat,
    timeMs: number,
    builder: MetricBatchBuilder,
  ): ScrapeParseResult {
    const page = this.open(body, format, timeMs, builder);
    this.guard(() => page.step(Number.POSITIVE_INFINITY));
    return this.close(page, timeMs, builder);
  }

  async parseSliced(
    body: string,
    format: ExpositionFormat,
    timeMs: number,
    builder: MetricBatchBuilder,
    options: ParseSlicedOptions = {},
  ): Promise<ScrapeParseResult> {
    const sliceMs = options.sliceMs ?? DEFAULT_SLICE_MS;
    const sliceWork = options.sliceWork ?? DEFAULT_SLICE_WORK;
    const pause = options.yield ?? yieldToLoop;
    const page = this.open(body, format, timeMs, builder);
    // the room made for a first page's series took a slice of its own
    let reserved = this.reserved;
    while (reserved || !this.guard(() => page.step(performance.now() + sliceMs, sliceWork))) {
      reserved = false;
      try {
        await pause();
      } catch (err) {
        this.guard(() => {
          throw err;
        });
      }
    }
    return this.close(page, timeMs, builder);
  }

  /** Starts a page: a sliced parse owns the cache until it settles, so a second page meanwhile is refused. */
  private open(
    body: string,
    format: ExpositionFormat,
    timeMs: number,
    builder: MetricBatchBuilder,
  ): SlicedBodyParser {
    if (this.out !== undefined) throw new Error('scrape parser: a page is already being parsed');
    if (format !== this.lastFormat) this.cache.clear();
    this.reserved = this.cache.size === 0 && this.reserve(estimateLines(body));
    this.lastFormat = format;
    this.epoch++;
    this.added = this.duplicates = this.seen = 0;
    this.time = timeMs;
    this.out = builder;
    this.rejectedBefore = builder.rejected;
    return bodyParser(body, format, this.cache, this, this.options.limits);
  }

  /** Runs a step of the page; a throw ends the page as failed (see {@link ScrapeParser.parse}). */
  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      this.failed = true;
      this.out = undefined;
      throw err;
    }
  }

  private close(page: SlicedBodyParser, timeMs: number, builder: MetricBatchBuilder): ScrapeParseResult {
    const samples = this.guard(() => page.finish());
    this.out = undefined;
    return this.end(samples, timeMs, builder, this.rejectedBefore);
  }

  private end(
    samples: number,
    timeMs: number,
    builder: MetricBatchBuilder,
    rejectedBefore: number,
  ): ScrapeParseResult {
    this.failed = false;
    const stale =
      this.seen === this.cache.size ? 0 : sweep(this.cache, this.idEpoch, this.epoch, timeMs, builder);
    return {
      samples,
      added: this.added,
      stale,
      duplicates: this.duplicates,
      rejected: builder.rejected - rejectedBefore,
    };
  }

  markStale(timeMs: number, builder: MetricBatchBuilder): number {
    let n = 0;
    // live = on the last complete page; a failed page's new series were never written
    const last = this.failed ? this.epoch - 1 : this.epoch;
    const mark = ++this.epoch;
    const c = this.cache;
    for (let slot = 0; slot < c.end; slot++) {
      if (!c.live(slot)) continue;
      const seen = c.seen[slot]!;
      const id = c.val[slot]!;
      const live = seen === last || (this.failed && seen === last + 1 && c.prevSeen(slot) === last);
      if (id >= 0 && live && c.flags(slot) !== EXPLICIT_TS && this.idEpoch[id] !== mark) {
        this.idEpoch[id] = mark;
        builder.push(id, timeMs, Number.NaN, true);
        n++;
      }
    }
    this.cache.clear();
    this.failed = false;
    return n;
  }
}

// Series missing from this page get a stale marker (unless they carried their own timestamps, which
// Prometheus leaves alone) and leave the cache, so a later return counts as added.
function sweep(
  cache: SeriesCache,
  idEpoch: Int32Array,
  epoch: number,
  timeMs: number,
  out: MetricBatchBuilder,
): number {
  let n = 0;
  cache.retain((slot) => {
    const seen = cache.seen[slot]!;
    if (seen === epoch) return true;
    const id = cache.val[slot]!;
    if (id >= 0 && seen > 0 && cache.flags(slot) !== EXPLICIT_TS && idEpoch[id] !== epoch) {
      idEpoch[id] = epoch;
      out.push(id, timeMs, Number.NaN, true);
      n++;
    }
    return false;
  });
  return n;
}

function grow(a: Int32Array, id: number): Int32Array {
  const b = new Int32Array(Math.max(id + 1, a.length * 2));
  b.set(a);
  return b;
}
