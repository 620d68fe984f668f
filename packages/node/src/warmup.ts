import { type Detector, type Finding, type Labels, newFindingId, type StageContext } from '@argus/core';
import { type EarlyModel, earlyModel, ensembleOptions, pointOut } from '@argus/detectors';
import { grown } from './columns.js';

/** Where a preset's detectors stand: learning, or scoring every watched series. */
export interface WarmupStatus {
  /** Every watched series seen so far is scored by the full detector (and at least one was seen). */
  readonly ready: boolean;
  /** Share of the samples needed that have been seen, over the watched series (0..1; 0 before the first read). */
  readonly progress: number;
  /** Watched series seen. */
  readonly series: number;
  /** Of them, scored by the full detector. */
  readonly warm: number;
  /** Samples a series needs before the full detector scores it. */
  readonly samplesNeeded: number;
  /** Series whose learned state was restored from the state store at start. */
  readonly restored: number;
}

/** A detector wrapped by {@link withWarmup}: the detector, plus its warm-up state. */
export interface WarmupDetector extends Detector {
  status(): WarmupStatus;
}

/** Options of {@link withWarmup}. */
export interface WithWarmupOptions {
  /** Samples a series needs before `main` scores it. */
  samplesNeeded: number;
  /** The model judging series until then; `false`: nothing scores them. @default earlyModel() */
  early?: EarlyModel | false;
  /** Score at which an early finding is reported. @default 0.5 */
  minScore?: number;
  /** Which series the early check judges (the others wait for `main`). @default every series */
  earlyFor?: (labels: Labels) => boolean;
  /** Called once, the first time every watched series is warm. */
  onReady?: (status: WarmupStatus) => void;
}

/** Samples the default ensemble learns before it scores a series (its warm-up plus calibration). */
export function ensembleSamplesNeeded(options: Record<string, unknown> = {}): number {
  const o = ensembleOptions.parse(options);
  return o.warmupSamples + o.calibrationSamples;
}

interface SavedState {
  version: 2;
  main: unknown;
  /** Per series: labels and samples seen (capped at samplesNeeded). */
  seen: [Labels, number][];
}

/**
 * Counts samples per series so the preset can say how far warm-up is, and until `main` has seen `samplesNeeded`
 * samples of a series, judges it with `early` instead (gross anomalies only, with a confidence that grows with the
 * samples seen). `main` sees every sample from the first, so its scoring once warm is its own. The counts are
 * saved with `main`'s state, so a service restarted with saved state scores from its first sample.
 */
export function withWarmup(main: Detector, options: WithWarmupOptions): WarmupDetector {
  const need = options.samplesNeeded;
  const early = options.early === undefined ? earlyModel() : options.early;
  const minScore = options.minScore ?? 0.5;
  // by series id (small and dense): a Map entry each cost ~40 bytes per watched series, for good
  const seen = new SeenCounts();
  let judged = new Uint8Array(0); // earlyFor's verdict per series id while it warms up: 0 not asked, 1 yes, 2 no
  const out = pointOut();
  let warm = 0;
  let restored = 0;
  let announced = false;
  // the warm-up line is for warm-up seen in this run, not for state restored warm
  let warmedHere = false;

  const status = (): WarmupStatus => {
    return {
      ready: seen.size > 0 && warm === seen.size,
      progress: seen.size === 0 ? 0 : seen.sum / (seen.size * need),
      series: seen.size,
      warm,
      samplesNeeded: need,
      restored,
    };
  };
  const count = (id: number, by: number): void => {
    const before = seen.get(id);
    const after = Math.min(need, before + by);
    seen.set(id, after);
    if (before < need && after >= need) {
      warm++;
      if (early) early.release(id);
    }
  };
  const judgeEarly = (id: number, t: number, v: number, ctx: StageContext, into: Finding[]): void => {
    if (!early || seen.get(id) >= need) return;
    if (id >= judged.length) judged = grown(judged, id + 1);
    if (judged[id] === 0) judged[id] = (options.earlyFor?.(ctx.series.labels(id)) ?? true) ? 1 : 2;
    if (judged[id] !== 1) return;
    if (early.update(id, t, v, out) < minScore) return;
    into.push({
      id: newFindingId(),
      series: id,
      timestamp: t,
      value: v,
      score: out.score,
      kind: out.kind,
      detector: 'early',
      explanation: early.explain(out, v),
      expected: { value: out.expected, lower: out.lower, upper: out.upper },
    });
  };
  const checkReady = (): void => {
    if (announced || !warmedHere || warm !== seen.size) return;
    announced = true;
    options.onReady?.(status());
  };

  return {
    ...main,
    detect(batch, ctx) {
      const findings: Finding[] = [];
      for (let i = 0; i < batch.length; i++) {
        const id = batch.series[i]!;
        const v = batch.values[i]!;
        if (id < 0 || batch.stale?.[i] === 1 || !Number.isFinite(v)) continue;
        judgeEarly(id, batch.timestamps[i]!, v, ctx, findings);
        const before = warm;
        count(id, 1);
        if (warm > before) warmedHere = true;
      }
      const fromMain = main.detect?.(batch, ctx);
      checkReady();
      return fromMain?.length ? [...findings, ...fromMain] : findings.length ? findings : undefined;
    },
    snapshot(ctx: StageContext): SavedState {
      const list: [Labels, number][] = [];
      seen.forEach((id, n) => {
        list.push([ctx.series.labels(id), n]);
      });
      return { version: 2, main: main.snapshot?.(ctx), seen: list };
    },
    restore(state: unknown, ctx: StageContext): void {
      const s = state as Partial<SavedState> | null;
      if (s?.version !== 2) {
        // state saved by the bare detector (before the warm-up counts existed): its series were learned
        main.restore?.(state, ctx);
        for (const labels of legacySeries(state)) markRestored(ctx.series.intern(labels), need);
        return;
      }
      if (s.main !== undefined) main.restore?.(s.main, ctx);
      if (!Array.isArray(s.seen)) throw new TypeError(`${main.name}: warm-up snapshot has no seen list`);
      for (const entry of s.seen) {
        if (!Array.isArray(entry) || typeof entry[0] !== 'object' || typeof entry[1] !== 'number') continue;
        markRestored(ctx.series.intern(entry[0]), entry[1]);
      }
    },
    status,
  };

  function markRestored(id: number, n: number): void {
    if (id < 0 || !(n > 0)) return;
    restored++;
    count(id, n);
  }
}

/** Labels of the series in a model detector's own snapshot (`{ series: { fp: { labels } } }`). */
function legacySeries(state: unknown): Labels[] {
  const series = (state as { series?: unknown } | null)?.series;
  if (typeof series !== 'object' || series === null) return [];
  return Object.values(series as Record<string, { labels?: unknown }>)
    .map((e) => e?.labels)
    .filter((l): l is Labels => typeof l === 'object' && l !== null);
}

/** Samples seen per series id (0: never seen), with how many series have been seen and the sum of their counts. */
class SeenCounts {
  private counts = new Int32Array(0);
  size = 0;
  sum = 0;

  get(id: number): number {
    return id < this.counts.length ? this.counts[id]! : 0;
  }

  set(id: number, n: number): void {
    if (id >= this.counts.length) this.counts = grown(this.counts, id + 1);
    const before = this.counts[id]!;
    if (before === 0 && n > 0) this.size++;
    this.sum += n - before;
    this.counts[id] = n;
  }

  forEach(fn: (id: number, n: number) => void): void {
    for (let id = 0; id < this.counts.length; id++) if (this.counts[id]! > 0) fn(id, this.counts[id]!);
  }
}
