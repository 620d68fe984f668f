import {
  assembleSnapshot,
  type Detector,
  type Finding,
  type MetricBatch,
  newFindingId,
  type SnapshotParts,
  type StageContext,
} from '@argus/core';
import type { Model } from './model.js';
import { pointOut } from './util/score.js';

type DetectorBody = Omit<Detector, 'kind' | 'apiVersion' | 'name'> & { name?: string };

const CLEAN = 1;
const DIRTY = 2;

/**
 * Wraps a {@link Model} as a detector body: scores every sample, reports a finding for each score at or above
 * `minScore`, and snapshots learned state keyed by series fingerprint (ids are not stable across restarts).
 */
export function modelDetector(name: string, model: Model, minScore: number): DetectorBody {
  const out = pointOut();
  const seen: number[] = [];
  // per series id: 0 never seen, CLEAN saved as it is, DIRTY changed since its state was last taken for a save
  // (core then saves only the changed series, see snapshotParts' `changes`)
  let mark = new Uint8Array(64);
  let dirty = 0;
  const remember = (id: number): void => {
    if (id >= mark.length) {
      const grown = new Uint8Array(Math.max(64, id * 2));
      grown.set(mark);
      mark = grown;
    }
    const m = mark[id];
    if (m !== DIRTY) {
      if (m === 0) seen.push(id);
      mark[id] = DIRTY;
      dirty++;
    }
  };
  /**
   * Each seen series' saved state (or only the changed ones'), keyed by fingerprint; for core's saves (`take`) marked
   * clean as taken, so a change after that is in the next save's `changes`.
   */
  function* saved(ctx: StageContext, changedOnly: boolean, take = true): Generator<[string, unknown]> {
    for (let i = 0; i < seen.length; i++) {
      const id = seen[i] as number;
      if (take && mark[id] === DIRTY) {
        mark[id] = CLEAN;
        dirty--;
      } else if (changedOnly) continue;
      const state = model.save(id);
      if (state !== undefined) yield [ctx.series.fingerprint(id), { labels: ctx.series.labels(id), state }];
      else if (changedOnly) yield [ctx.series.fingerprint(id), null];
    }
  }
  return {
    detect(batch: MetricBatch, _ctx: StageContext): Finding[] | undefined {
      let findings: Finding[] | undefined;
      for (let i = 0; i < batch.length; i++) {
        if (batch.stale?.[i] === 1) continue;
        const id = batch.series[i] as number;
        if (id < 0) continue;
        remember(id);
        const value = batch.values[i] as number;
        const timestamp = batch.timestamps[i] as number;
        if (model.update(id, timestamp, value, out) < minScore) continue;
        (findings ??= []).push(toFinding(name, model, id, timestamp, value, out));
      }
      return findings;
    },
    ...(model.tick
      ? {
          tick: (ctx: StageContext) => {
            // a tick may change a series' state (what it last saw): each counts as changed
            for (const id of seen) remember(id);
            return tickAll(name, model, seen, ctx.now, minScore, out);
          },
        }
      : {}),
    // in parts: core takes the series a slice at a time, so a save of 100k series never holds the event loop
    snapshotParts: (ctx: StageContext): SnapshotParts => ({
      head: { version: 1 },
      field: 'series',
      entries: saved(ctx, false),
      changes: { count: dirty, total: seen.length, entries: saved(ctx, true) },
    }),
    snapshot(ctx: StageContext): unknown {
      // a plain copy for whoever asks (not core's save): what changed stays marked for the next save
      return assembleSnapshot({ head: { version: 1 }, field: 'series', entries: saved(ctx, false, false) });
    },
    restore(state: unknown, ctx: StageContext): void {
      const series = (
        state as { series?: Record<string, { labels: Record<string, string>; state: unknown }> }
      )?.series;
      if (typeof series !== 'object' || series === null)
        throw new TypeError(`${name}: snapshot has no series map`);
      for (const entry of Object.values(series)) {
        const id = ctx.series.intern(entry.labels);
        if (id < 0) continue;
        model.load(id, entry.state);
        remember(id);
      }
    },
  };
}

/** Asks the model about every series it has seen, with no sample: absent series. The finding's value is NaN. */
function tickAll(
  name: string,
  model: Model,
  seen: readonly number[],
  now: number,
  minScore: number,
  out: ReturnType<typeof pointOut>,
): Finding[] | undefined {
  const tick = model.tick as NonNullable<Model['tick']>;
  let findings: Finding[] | undefined;
  for (const id of seen) {
    if (tick(id, now, out) < minScore) continue;
    (findings ??= []).push(toFinding(name, model, id, now, Number.NaN, out));
  }
  return findings;
}

function toFinding(
  name: string,
  model: Model,
  id: number,
  timestamp: number,
  value: number,
  out: ReturnType<typeof pointOut>,
): Finding {
  const hasBand = Number.isFinite(out.expected);
  return {
    id: newFindingId(),
    series: id,
    timestamp,
    value,
    score: out.score,
    kind: out.kind,
    detector: name,
    explanation: model.explain(out, value),
    ...(hasBand ? { expected: { value: out.expected, lower: out.lower, upper: out.upper } } : {}),
  };
}
