// Candidate ensemble members tried in rounds 5 and 6 of the NAB tuning log (docs/detectors.md), as plain JS models so
// a round needs no package build. `onlineSeason` was kept and lives on as the package's `onlineSeasonal` member (same
// scores; its `hetero` option is round 6's heteroscedastic variant, off by default); `context` and `multiAlpha`
// (round 5), `discord`, `diff` and `asinh` (round 6) were not kept (docs/detectors.md says why). Each follows the
// package's Model contract (update/explain/save/load; state per series id in one growing Float64Array) and writes
// only `out.z`, which the ensemble maps to a raw score like any member's surprise.

import { memberModel } from '../../packages/detectors/dist/index.js';

/**
 * Per-series state: `per` doubles per series id in one growing array, field 0 the sample count. `begin` clears
 * `out`, skips a non-finite value (-1), else counts the sample and returns the series' first index.
 */
function seriesState(per) {
  const st = {
    data: new Float64Array(0),
    begin(id, v, out) {
      out.score = 0;
      out.z = 0;
      if (!Number.isFinite(v)) return -1;
      const need = (id + 1) * per;
      if (st.data.length < need) {
        let size = Math.max(8, st.data.length);
        while (size < need) size = Math.ceil(size * 1.5);
        const grown = new Float64Array(size);
        grown.set(st.data);
        st.data = grown;
      }
      const b = id * per;
      st.data[b] += 1;
      return b;
    },
  };
  return st;
}

const clipTo = (r, lim) => Math.max(-lim, Math.min(lim, r));
const floorOf = (level) => 1e-9 * Math.max(1, Math.abs(level));
const noSnapshots = { explain: () => '', save: () => undefined, load: () => {} };

/** A prototype model from its per-sample step `(s, b, n, t, v, out)`, run for finite values only (`st.begin`). */
function perSeries(st, step) {
  return {
    ...noSnapshots,
    update(id, t, v, out) {
      const b = st.begin(id, v, out);
      if (b >= 0) step(st.data, b, st.data[b], t, v, out);
      return 0;
    },
  };
}

/**
 * Contextual member, after CAD OSE's idea: the value is discretised into `bins` over the range seen so far, and the
 * surprise is −ln P(bin | the previous `order` bins), from per-series counts with add-`alpha` smoothing.
 * Memory: 6 + bins^order·(bins+1) doubles per series.
 */
export function contextModel({ bins = 8, order = 2, alpha = 0.5, warmup = 120, scale = 1 } = {}) {
  const ctxs = bins ** order;
  const per = 6 + ctxs * (bins + 1);
  const st = seriesState(per);
  return perSeries(st, (s, b, n, _t, v, out) => {
    const lo = n === 1 ? v : Math.min(s[b + 1], v);
    const hi = n === 1 ? v : Math.max(s[b + 2], v);
    s[b + 1] = lo;
    s[b + 2] = hi;
    const bin = hi > lo ? Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins)) : 0;
    const ctx = s[b + 3];
    const row = b + 6 + ctx * (bins + 1);
    const p = (s[row + 1 + bin] + alpha) / (s[row] + alpha * bins);
    s[row + 1 + bin] += 1;
    s[row] += 1;
    s[b + 3] = (ctx * bins + bin) % ctxs;
    if (n > warmup) out.z = scale * -Math.log(p);
    return 0;
  });
}

/**
 * Seasonal member with an online season choice: a level-only, a daily (24 hourly slots) and a weekly (168 slots)
 * residual model run side by side from the first sample (one shared EWMA level, each model its own EW residual
 * variance); a season is used once the series spans `spans` of its periods and its residual variance is below
 * (1 − minExplained) of the level-only one. (The package's `seasonal` decides once, at the end of its 120-sample
 * warm-up: 10 hours of 5-minute data, too short to ever see a day.) Memory: 200 doubles per series.
 */
export function onlineSeasonModel(o = {}) {
  const { levelAlpha = 0.003, seasonAlpha = 0.05, varAlpha = 0.003, minExplained = 0.6, warmup = 120 } = o;
  const {
    spans = 2,
    clip = 3,
    daily = true,
    weekly = true,
    fast = false,
    hetero = 0,
    heteroAlpha = 0.05,
  } = o;
  const HOUR = 3_600_000;
  const DAY = 24 * HOUR;
  const WEEK = 7 * DAY;
  const per = 8 + 24 + 168 + 24;
  const st = seriesState(per);
  return {
    ...noSnapshots,
    update(id, t, v, out) {
      const b = st.begin(id, v, out);
      if (b < 0) return 0;
      const s = st.data;
      const n = s[b];
      if (n === 1) {
        s[b + 1] = v;
        s[b + 2] = t;
        return 0;
      }
      const level = s[b + 1];
      const hour = Math.floor(t / HOUR);
      const iD = b + 8 + (hour % 24);
      const iW = b + 32 + (hour % 168);
      const span = t - s[b + 2];
      const r0 = v - level;
      const rD = r0 - s[iD];
      const rW = r0 - s[iW];
      const vars = [s[b + 3], s[b + 4], s[b + 5]];
      let mode = 0;
      let best = vars[0] * (1 - minExplained);
      if (daily && span >= spans * DAY && vars[1] < best) [mode, best] = [1, vars[1]];
      if (weekly && span >= spans * WEEK && vars[2] < best) [mode, best] = [2, vars[2]];
      const r = [r0, rD, rW][mode];
      const floor = floorOf(level);
      const iH = b + 200 + (hour % 24);
      // heteroscedastic: the score's sd mixes the overall residual variance with this hour of day's own
      const hv = span >= spans * DAY ? s[iH] : vars[mode];
      const sdScore = Math.sqrt((1 - hetero) * vars[mode] + hetero * hv) + floor;
      const sd = Math.sqrt(vars[mode]) + floor;
      const warm = n <= warmup;
      s[b + 1] = level + Math.max(levelAlpha, 1 / n) * (warm ? r : clipTo(r, clip * sd));
      const va = Math.max(varAlpha, 1 / n);
      const clipped = [r0, rD, rW].map((x, k) => (warm ? x : clipTo(x, clip * (Math.sqrt(vars[k]) + floor))));
      for (let k = 0; k < 3; k++) s[b + 3 + k] = (1 - va) * (vars[k] + va * clipped[k] ** 2);
      const gD = fast ? Math.max(seasonAlpha, 1 / (Math.floor(span / DAY) + 1)) : seasonAlpha;
      const gW = fast ? Math.max(seasonAlpha, 1 / (Math.floor(span / WEEK) + 1)) : seasonAlpha;
      s[iD] += gD * clipped[1];
      s[iW] += gW * clipped[2];
      const rh = warm ? r : clipTo(r, clip * sdScore);
      s[iH] = s[iH] === 0 ? Math.max(rh * rh, vars[mode]) : s[iH] + heteroAlpha * (rh * rh - s[iH]);
      if (!warm) out.z = Math.abs(r) / sdScore;
      return 0;
    },
  };
}

/**
 * Robust z with an online choice of smoothing: EWMA baselines with each of `alphas` run side by side; a point is
 * judged against the one whose clipped one-step error variance is smallest so far. Memory: 1 + 2·alphas doubles.
 */
export function multiAlphaModel({
  alphas = [0.001, 0.01, 0.05],
  warmup = 120,
  clip = 3,
  varAlpha = 0.003,
} = {}) {
  const k = alphas.length;
  const per = 1 + 2 * k;
  const st = seriesState(per);
  return perSeries(st, (s, b, n, _t, v, out) => {
    if (n === 1) {
      for (let j = 0; j < k; j++) s[b + 1 + 2 * j] = v;
      return 0;
    }
    let bestJ = 0;
    for (let j = 1; j < k; j++) if (s[b + 2 + 2 * j] < s[b + 2 + 2 * bestJ]) bestJ = j;
    const m = s[b + 1 + 2 * bestJ];
    const z = Math.abs(v - m) / (Math.sqrt(s[b + 2 + 2 * bestJ]) + floorOf(m));
    for (let j = 0; j < k; j++) {
      const mj = s[b + 1 + 2 * j];
      const vj = s[b + 2 + 2 * j];
      const r = v - mj;
      const rc = n > warmup ? clipTo(r, clip * (Math.sqrt(vj) + floorOf(mj))) : r;
      const va = Math.max(varAlpha, 1 / n);
      s[b + 1 + 2 * j] = mj + Math.max(alphas[j], 1 / n) * rc;
      s[b + 2 + 2 * j] = (1 - va) * (vj + va * rc * rc);
    }
    if (n > warmup) out.z = z;
    return 0;
  });
}

/** Multiplies a model's surprise by `w` (a combination weight). */
export function weighted(model, w) {
  return {
    ...model,
    update(id, t, v, out) {
      model.update(id, t, v, out);
      out.z *= w;
      return 0;
    },
  };
}

/**
 * Discord member (nearest-neighbour distance over lagged windows, as KNN CAD does, with bounded memory): the last
 * `L` values, standardised by the series' running mean and sd, are compared with `K` windows stored every `stride`
 * samples (a ring: the most recent K·stride samples); the surprise is the nearest distance over its running mean.
 * Memory: 6 + L + K·L doubles per series; cost O(K·L) per point.
 */
export function discordModel({
  L = 8,
  K = 32,
  stride = 4,
  warmup = 120,
  alpha = 0.003,
  dAlpha = 0.01,
  scale = 1,
  mode = 'ratio',
} = {}) {
  const per = 8 + L + K * L;
  const st = seriesState(per);
  const cur = new Float64Array(L);
  return perSeries(st, (s, b, n, _t, v, out) => {
    // running mean/var of values
    const a = Math.max(alpha, 1 / n);
    const m = s[b + 1];
    const r = n === 1 ? 0 : v - m;
    s[b + 1] = n === 1 ? v : m + a * r;
    s[b + 2] = (1 - a) * (s[b + 2] + a * r * r);
    const ring = b + 8;
    s[ring + ((n - 1) % L)] = v;
    if (n < L) return 0;
    const mean = s[b + 1];
    const sd = Math.sqrt(s[b + 2]) + floorOf(mean);
    for (let j = 0; j < L; j++) cur[j] = (s[ring + ((n - L + j) % L)] - mean) / sd;
    const stored = Math.min(K, s[b + 3]);
    const win = ring + L;
    let best = Infinity;
    for (let k = 0; k < stored; k++) {
      const w = win + k * L;
      let d = 0;
      for (let j = 0; j < L; j++) {
        const x = cur[j] - s[w + j];
        d += x * x;
        if (d >= best) break;
      }
      if (d < best) best = d;
    }
    if (n % stride === 0) {
      const slot = s[b + 3] % K;
      for (let j = 0; j < L; j++) s[win + slot * L + j] = cur[j];
      s[b + 3] += 1;
    }
    if (stored === 0) return 0;
    const dist = Math.sqrt(best);
    const dm = s[b + 4];
    const dv = s[b + 5];
    const da = Math.max(dAlpha, 1 / (s[b + 6] + 1));
    s[b + 6] += 1;
    const dr = dist - dm;
    if (n > warmup) {
      out.z =
        mode === 'ratio' ? (scale * dist) / (dm + 1e-9) : (scale * Math.max(0, dr)) / (Math.sqrt(dv) + 1e-9);
    }
    s[b + 4] = dm + da * dr;
    s[b + 5] = (1 - da) * (dv + da * dr * dr);
    return 0;
  });
}

/** Robust z of the first difference (an EWMA/EWMV of v − previous v): breaks in the series' local slope. */
export function diffModel({ alpha = 0.003, warmup = 120, clip = 3, scale = 1 } = {}) {
  const st = seriesState(4);
  return perSeries(st, (s, b, n, _t, v, out) => {
    const prev = s[b + 3];
    s[b + 3] = v;
    if (n === 1) return 0;
    const d = v - prev;
    const m = s[b + 1];
    const sd = Math.sqrt(s[b + 2]) + floorOf(prev);
    const r = d - m;
    const warm = n <= warmup;
    const a = Math.max(alpha, 1 / n);
    const rc = warm ? r : clipTo(r, clip * sd);
    s[b + 1] = m + a * rc;
    s[b + 2] = (1 - a) * (s[b + 2] + a * rc * rc);
    if (!warm) out.z = (scale * Math.abs(r)) / sd;
    return 0;
  });
}

/** A package member fed asinh(v) instead of v: a log-like scale for large values (bursty counts), linear near 0. */
export function asinhMember({ member = 'robustZ', warmup = 120, scale = 1, options = {} } = {}) {
  const model = memberModel(member, { warmupSamples: warmup, ...options });
  return {
    ...noSnapshots,
    update(id, t, v, out) {
      model.update(id, t, Math.asinh(v), out);
      out.z *= scale;
      return 0;
    },
  };
}

export const PROTOTYPES = {
  asinh: asinhMember,
  discord: discordModel,
  diff: diffModel,
  context: contextModel,
  onlineSeason: onlineSeasonModel,
  multiAlpha: multiAlphaModel,
};
