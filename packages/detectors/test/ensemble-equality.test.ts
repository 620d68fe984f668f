import { describe, expect, it } from 'vitest';
import { ensembleMembers, ensembleOptions, onlineSeasonalOptions, pointOut } from '../src/index.js';
import { ensembleModel } from '../src/models/ensemble.js';
import { onlineSeasonalModel } from '../src/models/online-seasonal.js';
import type { PointOut } from '../src/util/score.js';
import { noise, uniform } from './helpers.js';
import { ensembleModel as ensembleBefore } from './reference/ensemble-before.js';
import { onlineSeasonalModel as onlineSeasonalBefore } from './reference/online-seasonal-before.js';

// The ensemble skips its likelihood's tail (erfc, log) where the score is not shown and cannot reach freezeAt, and
// writes the winner's band straight into `out`; online seasonal fills its saves in place (issue 13: per-sample
// cost). Every output must keep its bits: the same streams through
// the code as it was (test/reference) and as it is, compared with Object.is.
type Build = typeof ensembleModel;

function build(make: Build, input: Record<string, unknown>, before = false) {
  const o = ensembleOptions.parse(input);
  // before: online seasonal as it was too, with the ensemble's tuned surpriseScale (src/ensemble.ts' TUNED)
  const members = ensembleMembers(o).map((m) =>
    before && m.name === 'onlineSeasonal'
      ? {
          ...m,
          model: onlineSeasonalBefore(
            onlineSeasonalOptions.parse({ surpriseScale: 0.95, warmupSamples: o.warmupSamples }),
          ),
        }
      : m,
  );
  return make({
    ...o,
    members,
    memberWarmupSamples: o.warmupSamples,
    warmupSamples: o.warmupSamples + o.calibrationSamples,
  });
}

/** A value stream with noise, spikes, dips, level shifts, constant runs and the odd NaN, from `seed`. */
function stream(seed: number, n: number): number[] {
  const u = uniform(seed);
  const e = noise(seed + 1);
  const values: number[] = [];
  let level = 100 * u();
  let scale = 0.1 + 5 * u();
  for (let i = 0; i < n; i++) {
    const r = u();
    if (r < 0.004) level += (u() - 0.5) * 40 * scale;
    if (r > 0.996) scale = 0.1 + 5 * u();
    const base = i % 300 < 40 && seed % 3 === 0 ? level : level + scale * e();
    const shock = r > 0.97 ? (u() - 0.3) * 30 * scale : 0;
    values.push(r > 0.4 && r < 0.403 ? Number.NaN : Math.round((base + shock) * 100) / 100);
  }
  return values;
}

const same = (a: PointOut, b: PointOut): boolean =>
  Object.is(a.score, b.score) &&
  Object.is(a.z, b.z) &&
  Object.is(a.expected, b.expected) &&
  Object.is(a.lower, b.lower) &&
  Object.is(a.upper, b.upper) &&
  a.kind === b.kind;

const OPTION_SETS: Record<string, unknown>[] = [
  // packages/node's preset
  { suppressSamples: 0, freezeAt: 0.6, currentAtLeast: 0.5, warmupSamples: 30, calibrationSamples: 10 },
  { warmupSamples: 30, calibrationSamples: 10 },
  { freezeAt: 0.3, currentAtLeast: 0.2, suppressSamples: 3, warmupSamples: 25, calibrationSamples: 5 },
  { freezeAt: 0.9, currentAtLeast: 0.8, warmupSamples: 25, calibrationSamples: 5, averageSamples: 3 },
  { freezeAt: 0, currentAtLeast: 0.5, warmupSamples: 20, calibrationSamples: 0 },
  { freezeAt: 0.04, currentAtLeast: 0.5, warmupSamples: 20, rangeTolerance: null },
  { freezeAt: 1, currentAtLeast: 1, warmupSamples: 20, varianceFloor: 0, meanFloor: 0 },
  {
    members: ['robustZ', 'mad', 'flatline', 'onlineSeasonal'],
    freezeAt: 0.5,
    currentAtLeast: 0.4,
    warmupSamples: 30,
    calibrationSamples: 10,
  },
  // a member scoring long before the ensemble is warm: its series need their rest from that sample
  { memberOptions: { robustZ: { warmupSamples: 3 } }, warmupSamples: 30, calibrationSamples: 10 },
  // a warm score of 0 opens a quiet period: no series may go without its rest
  { suppressAt: 0, suppressSamples: 3, warmupSamples: 20, calibrationSamples: 5 },
];

describe('the ensemble scores with the same bits as before its per-sample work was cut', () => {
  it.each(OPTION_SETS.map((o, k) => [k, o] as const))('option set %i', (_k, options) => {
    const now = build(ensembleModel, options);
    const before = build(ensembleBefore as Build, options, true);
    const a = pointOut();
    const b = pointOut();
    const series = 12;
    const streams = Array.from({ length: series }, (_, id) => stream(100 * id + 7, 1500));
    const t0 = Date.UTC(2026, 0, 5);
    let differ = 0;
    let shown = 0;
    for (let i = 0; i < 1500; i++) {
      for (let id = 0; id < series; id++) {
        const v = (streams[id] as number[])[i] as number;
        // ids on both sides of a page, steps from a second to an hour
        const sid = id * 211;
        // one series before 1970 (negative hours)
        const t = (id === 5 ? -t0 : t0) + i * (1000 << (id % 12));
        const sa = now.update(sid, t, v, a);
        const sb = before.update(sid, t, v, b);
        if (!Object.is(sa, sb) || !same(a, b) || now.lastMember() !== before.lastMember()) differ++;
        else if (sa > 0 && now.explain(a, v) !== before.explain(b, v)) differ++;
        if (sa > 0) shown++;
      }
    }
    expect(differ).toBe(0);
    // the streams must reach the scores this is about, or the test proves nothing
    expect(shown).toBeGreaterThan(50);
    for (let id = 0; id < series; id++) expect(now.save(id * 211)).toEqual(before.save(id * 211));
  });
});

describe('the ensemble without a rest for its young series', () => {
  it('saves every series as before (zeros where it has no rest yet) and scores on from its own save', () => {
    const options = { ...OPTION_SETS[0], members: ['robustZ', 'onlineSeasonal', 'trend'] };
    const now = build(ensembleModel, options);
    const before = build(ensembleBefore as Build, options, true);
    const a = pointOut();
    const b = pointOut();
    const u = uniform(5);
    const streams = Array.from({ length: 40 }, (_, id) => stream(31 * id + 3, 300));
    let restored = build(ensembleModel, options);
    let differ = 0;
    for (let i = 0; i < 300; i++) {
      for (let id = 0; id < streams.length; id++) {
        // series start at different samples, so saves catch some with and some without a rest
        if (i < id * 3) continue;
        const v = (streams[id] as number[])[i - id * 3] as number;
        const t = Date.UTC(2026, 0, 5) + i * 15_000;
        const sid = id * 97;
        const sa = restored.update(sid, t, v, a);
        const sb = before.update(sid, t, v, b);
        now.update(sid, t, v, pointOut());
        if (!Object.is(sa, sb) || !same(a, b)) differ++;
      }
      if (u() < 0.05) {
        // a restart: every series loaded from the last model's saves into a fresh one
        const next = build(ensembleModel, options);
        for (let id = 0; id < streams.length; id++) {
          const saved = restored.save(id * 97);
          expect(saved).toEqual(before.save(id * 97));
          expect(now.save(id * 97)).toEqual(saved);
          if (saved !== undefined) next.load(id * 97, JSON.parse(JSON.stringify(saved)));
        }
        restored = next;
      }
    }
    expect(differ).toBe(0);
    // a young series' save (no rest: zeros) loaded over a warm one's: it must read as the young one, not keep the
    // warm one's ring and mean
    const fresh = build(ensembleBefore as Build, { ...options, members: ['robustZ', 'onlineSeasonal'] });
    for (let i = 0; i < 10; i++) fresh.update(0, Date.UTC(2026, 0, 5) + i * 15_000, 5 + (i % 3), pointOut());
    const young = {
      ...(fresh.save(0) as object),
      members: (before.save(0) as { members: unknown[] }).members,
    };
    const warm = before.save(0);
    expect((young as unknown as { own: number[] }).own.slice(1, 5)).toEqual([0, 0, 0, 0]);
    expect((warm as { own: number[] }).own.slice(1, 3)).not.toEqual([0, 0]);
    restored.load(0, young);
    before.load(0, young);
    expect(restored.save(0)).toEqual(before.save(0));
  });
});

describe('online seasonal scores and saves with the same bits as before', () => {
  it('through weeks of hours, before and after 1970, with saves along the way', () => {
    const o = onlineSeasonalOptions.parse({ warmupSamples: 40, periodsBeforeUse: 1 });
    const now = onlineSeasonalModel(o);
    const before = onlineSeasonalBefore(o);
    const a = pointOut();
    const b = pointOut();
    const u = uniform(11);
    const e = noise(12);
    const starts = [Date.UTC(2026, 0, 5, 0, 30), Date.UTC(1969, 11, 20, 23, 59), -1, 0];
    let differ = 0;
    let savesDiffer = 0;
    for (let i = 0; i < 4000; i++) {
      for (let id = 0; id < starts.length; id++) {
        // 5 to 35 minutes apart: every hour of the week comes round several times
        const t = (starts[id] as number) + i * 1_200_000 + Math.round(u() * 600_000);
        const hour = Math.floor(t / 3_600_000);
        const v = 50 + 10 * Math.sin(hour / 3.8) + e() + (u() > 0.99 ? 30 : 0);
        if (!Object.is(now.update(id, t, v, a), before.update(id, t, v, b)) || !same(a, b)) differ++;
        if (i % 997 === 1 && JSON.stringify(now.save(id)) !== JSON.stringify(before.save(id))) savesDiffer++;
      }
    }
    expect(differ).toBe(0);
    expect(savesDiffer).toBe(0);
    for (let id = 0; id < starts.length; id++) expect(now.save(id)).toEqual(before.save(id));
  });
});
