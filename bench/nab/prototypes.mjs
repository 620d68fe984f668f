// Candidate ensemble members tried in rounds 5 to 7 of the NAB tuning log (docs/detectors.md), as plain JS models so
// a round needs no package build. `onlineSeason` was kept and lives on as the package's `onlineSeasonal` member (same
// scores; its `hetero` option is round 6's heteroscedastic variant, off by default); `context` and `multiAlpha`
// (round 5), `discord`, `diff` and `asinh` (round 6), `sr`/`srFast` (spectral residual), `art` (adaptive resonance),
// `choose` (a per-series choice among candidates at the end of a fixed probation, of `member`s: package members
// with options) and `tail` (surprise over its own tail quantile) (round 7) were not kept (docs/detectors.md says why). Each follows the
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
export function asinhMember(o = {}) {
  return packageMember({ ...o, transform: Math.asinh });
}

/**
 * How unusual a statistic x is against its own running mean and variance (at s[i], s[i + 1]; count at s[i + 2]):
 * `z`: (x − mean)⁺ / sd; `ratio`: (x / mean − 1)⁺; 0 on the first value. Then x enters the mean and variance.
 */
function runningSurprise(s, i, x, alpha, mode, eps) {
  const cnt = s[i + 2] + 1;
  s[i + 2] = cnt;
  const a = Math.max(alpha, 1 / cnt);
  const mean = s[i];
  const dr = x - mean;
  const z =
    cnt === 1
      ? 0
      : mode === 'ratio'
        ? Math.max(0, x / (mean + eps) - 1)
        : Math.max(0, dr) / (Math.sqrt(s[i + 1]) + eps);
  s[i] = mean + a * dr;
  s[i + 1] = (1 - a) * (s[i + 1] + a * dr * dr);
  return z;
}

/**
 * Spectral residual member (Ren et al. 2019, Microsoft's SR): over the last `W` values plus `extend` points
 * extrapolated from the mean slope of the last `m` (so the current point is not at the window's edge), the saliency of
 * the current point is |IDFT(X·exp(−AL))| at its index, where AL is the log amplitude spectrum averaged over `q`
 * neighbouring frequencies (exp(R + iP) = X·exp(−AL), R the spectral residual). The surprise is the saliency over
 * its running mean minus 1 (`ratio`) or its running z (`z`). Computed every `every` samples (the last value held in
 * between). A full DFT per computation: O(W²) here (a sliding DFT would make it O(W)).
 */
export function spectralResidualModel({
  W = 32,
  q = 3,
  extend = 5,
  m = 5,
  every = 1,
  warmup = 120,
  sAlpha = 0.01,
  scale = 1,
  mode = 'ratio',
} = {}) {
  const H = W - extend; // real values in the window; the current one sits at index H − 1
  const per = 6 + H;
  const st = seriesState(per);
  const cos = new Float64Array(W * W);
  const sin = new Float64Array(W * W);
  for (let k = 0; k < W; k++)
    for (let j = 0; j < W; j++) {
      cos[k * W + j] = Math.cos((2 * Math.PI * k * j) / W);
      sin[k * W + j] = Math.sin((2 * Math.PI * k * j) / W);
    }
  const x = new Float64Array(W);
  const re = new Float64Array(W);
  const im = new Float64Array(W);
  const la = new Float64Array(W);
  const saliency = () => {
    for (let k = 0; k < W; k++) {
      let a = 0;
      let c = 0;
      for (let j = 0; j < W; j++) {
        a += x[j] * cos[k * W + j];
        c -= x[j] * sin[k * W + j];
      }
      re[k] = a;
      im[k] = c;
      la[k] = Math.log(Math.hypot(a, c) + 1e-12);
    }
    let sr = 0;
    let si = 0;
    const j = H - 1;
    for (let k = 0; k < W; k++) {
      let al = 0;
      let cnt = 0;
      for (let d = -(q >> 1); d <= q >> 1; d++) {
        const kk = k + d;
        if (kk >= 0 && kk < W) {
          al += la[kk];
          cnt++;
        }
      }
      const g = Math.exp(-al / cnt);
      const ar = re[k] * g;
      const ai = im[k] * g;
      // (ar + i·ai)·e^{+2πi kj/W}
      sr += ar * cos[k * W + j] - ai * sin[k * W + j];
      si += ar * sin[k * W + j] + ai * cos[k * W + j];
    }
    return Math.hypot(sr, si) / W;
  };
  return perSeries(st, (s, b, n, _t, v, out) => {
    const ring = b + 6;
    s[ring + ((n - 1) % H)] = v;
    if (n < H) return 0;
    if ((n - H) % every === 0) {
      for (let j = 0; j < H; j++) x[j] = s[ring + ((n - H + j) % H)];
      // extrapolate: the mean slope of the last m points to the current one (Microsoft's SR)
      let g = 0;
      for (let i = 1; i <= m; i++) g += (x[H - 1] - x[H - 1 - i]) / i;
      g /= m;
      for (let e = 0; e < extend; e++) x[H + e] = x[H - 1 - m + 1] + g * m;
      s[b + 4] = runningSurprise(s, b + 1, saliency(), sAlpha, mode, 1e-12);
    }
    if (n > warmup) out.z = scale * s[b + 4];
    return 0;
  });
}

/**
 * The same spectral residual in O(W) per point (`mode` z only): the window's DFT (its H real values zero-padded to
 * W) slides by one rotation per frequency, Y ← (Y − x_old)·e^{2πik/W} + x_new·e^{−2πik(H−1)/W}, recomputed from the
 * ring every `refresh` samples against drift; the extrapolated tail adds c·E_k (E precomputed); real input makes
 * X_{W−k} = conj(X_k), so W/2 + 1 logs per point.
 */
export function spectralResidualFast({
  W = 16,
  extend = 5,
  m = 5,
  warmup = 120,
  sAlpha = 0.01,
  scale = 1,
  refresh = 4096,
} = {}) {
  const H = W - extend;
  const K = W / 2 + 1;
  const per = 4 + H + 2 * K;
  const st = seriesState(per);
  const rotR = new Float64Array(K);
  const rotI = new Float64Array(K);
  const inR = new Float64Array(K);
  const inI = new Float64Array(K);
  const eR = new Float64Array(K);
  const eI = new Float64Array(K);
  const outR = new Float64Array(W);
  const outI = new Float64Array(W);
  for (let k = 0; k < K; k++) {
    rotR[k] = Math.cos((2 * Math.PI * k) / W);
    rotI[k] = Math.sin((2 * Math.PI * k) / W);
    inR[k] = Math.cos((2 * Math.PI * k * (H - 1)) / W);
    inI[k] = -Math.sin((2 * Math.PI * k * (H - 1)) / W);
    for (let j = H; j < W; j++) {
      eR[k] += Math.cos((2 * Math.PI * k * j) / W);
      eI[k] -= Math.sin((2 * Math.PI * k * j) / W);
    }
  }
  for (let k = 0; k < W; k++) {
    outR[k] = Math.cos((2 * Math.PI * k * (H - 1)) / W);
    outI[k] = Math.sin((2 * Math.PI * k * (H - 1)) / W);
  }
  const xr = new Float64Array(W);
  const xi = new Float64Array(W);
  const la = new Float64Array(W);
  return perSeries(st, (s, b, n, _t, v, out) => {
    const ring = b + 4;
    const Y = ring + H;
    const slot = (n - 1) % H;
    const old = s[ring + slot];
    s[ring + slot] = v;
    if (n < H) return 0;
    if (n === H || (n - H) % refresh === 0) {
      for (let k = 0; k < K; k++) {
        let a = 0;
        let c = 0;
        for (let j = 0; j < H; j++) {
          const x = s[ring + ((n - H + j) % H)];
          a += x * Math.cos((2 * Math.PI * k * j) / W);
          c -= x * Math.sin((2 * Math.PI * k * j) / W);
        }
        s[Y + 2 * k] = a;
        s[Y + 2 * k + 1] = c;
      }
    } else {
      for (let k = 0; k < K; k++) {
        const a = s[Y + 2 * k] - old;
        const c = s[Y + 2 * k + 1];
        s[Y + 2 * k] = a * rotR[k] - c * rotI[k] + v * inR[k];
        s[Y + 2 * k + 1] = a * rotI[k] + c * rotR[k] + v * inI[k];
      }
    }
    let g = 0;
    for (let i = 1; i <= m; i++) g += (v - s[ring + ((n - 1 - i) % H)]) / i;
    const ext = s[ring + ((n - m) % H)] + (g / m) * m;
    for (let k = 0; k < K; k++) {
      const a = s[Y + 2 * k] + ext * eR[k];
      const c = s[Y + 2 * k + 1] + ext * eI[k];
      xr[k] = a;
      xi[k] = c;
      la[k] = 0.5 * Math.log(a * a + c * c + 1e-24);
    }
    for (let k = K; k < W; k++) {
      xr[k] = xr[W - k];
      xi[k] = -xi[W - k];
      la[k] = la[W - k];
    }
    let sr = 0;
    let si = 0;
    for (let k = 0; k < W; k++) {
      const al =
        k === 0
          ? (la[0] + la[1]) / 2
          : k === W - 1
            ? (la[W - 2] + la[W - 1]) / 2
            : (la[k - 1] + la[k] + la[k + 1]) / 3;
      const gk = Math.exp(-al);
      const ar = xr[k] * gk;
      const ai = xi[k] * gk;
      sr += ar * outR[k] - ai * outI[k];
      si += ar * outI[k] + ai * outR[k];
    }
    const z = runningSurprise(s, b + 1, Math.hypot(sr, si) / W, sAlpha, 'z', 1e-12);
    if (n > warmup) out.z = scale * z;
    return 0;
  });
}

/**
 * Adaptive-resonance member (after ARTime): the last `L` values, scaled to [0,1] by the range seen so far and
 * complement-coded, are matched against at most `K` fuzzy-ART categories per series (choice |I∧w|/(α+|w|), match
 * |I∧w|/|I| ≥ `rho`; the resonating category learns at rate `beta`; with none, a new category is made, replacing
 * the least used one when all K exist). The surprise is the mismatch 1 − best match, as a running z (`z`) or over
 * its running mean minus 1 (`ratio`). Memory: 8 + L + K·(2L + 1) doubles; cost O(K·L).
 */
export function artModel({
  L = 8,
  K = 32,
  rho = 0.9,
  beta = 0.1,
  choiceAlpha = 0.001,
  warmup = 120,
  dAlpha = 0.01,
  scale = 1,
  mode = 'z',
} = {}) {
  const D = 2 * L;
  const per = 8 + L + K * (D + 1);
  const st = seriesState(per);
  const I = new Float64Array(D);
  return perSeries(st, (s, b, n, _t, v, out) => {
    const lo = n === 1 ? v : Math.min(s[b + 1], v);
    const hi = n === 1 ? v : Math.max(s[b + 2], v);
    s[b + 1] = lo;
    s[b + 2] = hi;
    const ring = b + 8;
    s[ring + ((n - 1) % L)] = v;
    if (n < L || !(hi > lo)) return 0;
    for (let j = 0; j < L; j++) {
      const u = (s[ring + ((n - L + j) % L)] - lo) / (hi - lo);
      I[j] = u;
      I[L + j] = 1 - u;
    }
    const cats = b + 8 + L;
    const used = Math.min(K, s[b + 3]);
    let bestMatch = 0;
    let res = -1;
    let bestT = -1;
    for (let k = 0; k < used; k++) {
      const w = cats + k * (D + 1);
      let and = 0;
      let norm = 0;
      for (let j = 0; j < D; j++) {
        const wj = s[w + 1 + j];
        and += Math.min(I[j], wj);
        norm += wj;
      }
      const match = and / L; // |I| = L under complement coding
      if (match > bestMatch) bestMatch = match;
      const T = and / (choiceAlpha + norm);
      if (match >= rho && T > bestT) {
        bestT = T;
        res = k;
      }
    }
    if (res >= 0) {
      const w = cats + res * (D + 1);
      s[w] += 1;
      for (let j = 0; j < D; j++) {
        const wj = s[w + 1 + j];
        s[w + 1 + j] = beta * Math.min(I[j], wj) + (1 - beta) * wj;
      }
    } else {
      let k = used;
      if (used === K) {
        k = 0;
        for (let c = 1; c < K; c++) if (s[cats + c * (D + 1)] < s[cats + k * (D + 1)]) k = c;
      } else s[b + 3] += 1;
      const w = cats + k * (D + 1);
      s[w] = 1;
      for (let j = 0; j < D; j++) s[w + 1 + j] = I[j];
    }
    if (used === 0) return 0;
    const z = runningSurprise(s, b + 4, 1 - bestMatch, dAlpha, mode, 1e-9);
    if (n > warmup) out.z = scale * z;
    return 0;
  });
}

/**
 * A package member by name (memberModel, with the ensemble's warm-up and its tuned defaults), fed transform(v), its
 * surprise × scale.
 */
export function packageMember({
  member = 'robustZ',
  warmup = 120,
  scale = 1,
  options = {},
  transform = (v) => v,
} = {}) {
  const model = memberModel(member, { warmupSamples: warmup, ...options });
  return {
    ...noSnapshots,
    update(id, t, v, out) {
      model.update(id, t, transform(v), out);
      out.z *= scale;
      return 0;
    },
  };
}

/**
 * Per-series choice among candidate members, made online at the end of a probation of `probation` samples (NAB's
 * probation is 15 % of a file, at most 750 samples; a streaming detector cannot know a file's length, so the count is
 * fixed): until then candidate 0 (the default) scores; from then on the candidate that scored best during samples
 * warmup..probation by `by`: `calm` (smallest mean raw score z²/(z²+zHalf²): the best-calibrated surprise), `tail`
 * (share of |z| > 3 closest to the Gaussian 0.27 %), `z2` (mean z² closest to 1), or `error` (smallest mean squared one-step error v − expected).
 * Candidates: [{ member, options, scale }] as for packageMember, or [{ proto, options }].
 */
export function chooseModel({ candidates = [], probation = 600, by = 'calm', zHalf = 4, warmup = 120 } = {}) {
  const models = candidates.map((c) =>
    c.proto ? PROTOTYPES[c.proto]({ warmup, ...c.options }) : packageMember({ warmup, ...c }),
  );
  const k = models.length;
  const st = seriesState(2 + k);
  const o = { score: 0, z: 0, expected: Number.NaN, lower: 0, upper: 0, kind: 'spike' };
  return {
    ...noSnapshots,
    update(id, t, v, out) {
      const b = st.begin(id, v, out);
      if (b < 0) return 0;
      const s = st.data;
      const n = s[b];
      const chosen = s[b + 1];
      for (let j = 0; j < k; j++) {
        o.z = 0;
        o.expected = Number.NaN;
        models[j].update(id, t, v, o);
        if (j === chosen) {
          out.z = o.z;
          out.expected = o.expected;
          out.lower = o.lower;
          out.upper = o.upper;
          out.kind = o.kind;
        }
        if (n > warmup && n <= probation) {
          const z = o.z;
          const e = v - o.expected;
          s[b + 2 + j] +=
            by === 'calm'
              ? (z * z) / (z * z + zHalf * zHalf)
              : by === 'tail'
                ? Math.abs(z) > 3
                  ? 1
                  : 0
                : by === 'z2'
                  ? z * z
                  : Number.isFinite(e)
                    ? e * e
                    : 0;
        }
      }
      if (n === probation) {
        const span = probation - warmup;
        const cost = (j) =>
          by === 'tail'
            ? Math.abs(s[b + 2 + j] / span - 0.0027)
            : by === 'z2'
              ? Math.abs(s[b + 2 + j] / span - 1)
              : s[b + 2 + j];
        let best = 0;
        for (let j = 1; j < k; j++) if (cost(j) < cost(best)) best = j;
        s[b + 1] = best;
      }
      return 0;
    },
  };
}

/**
 * A package member whose surprise is divided by how heavy its own tail has been on this series: an online estimate
 * Q of the `q` quantile of |z| (stochastic quantile steps of `eta`, from the Gaussian value `gauss`), and z is
 * scaled by gauss / max(gauss, Q) — a series whose surprises often run high (bursty counts) needs more to alarm.
 * Memory: 1 double per series more than the member.
 */
export function tailCalibrated({
  member = 'robustZ',
  warmup = 120,
  q = 0.99,
  gauss = 2.58,
  eta = 0.05,
  options = {},
} = {}) {
  const model = memberModel(member, { warmupSamples: warmup, ...options });
  const st = seriesState(2);
  return {
    ...noSnapshots,
    update(id, t, v, out) {
      model.update(id, t, v, out);
      const z = out.z;
      if (!Number.isFinite(v)) return 0;
      const s = st.data;
      const need = (id + 1) * 2;
      if (s.length < need) {
        const grown = new Float64Array(Math.max(8, need * 2));
        grown.set(s);
        st.data = grown;
      }
      const d = st.data;
      const b = id * 2;
      if (d[b] === 0) d[b] = gauss;
      if (z === 0) return 0;
      const Q = d[b];
      d[b] = Math.abs(z) > Q ? Q + eta * q : Math.max(0, Q - eta * (1 - q));
      out.z = (z * gauss) / Math.max(gauss, Q);
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
  sr: spectralResidualModel,
  srFast: spectralResidualFast,
  art: artModel,
  member: packageMember,
  choose: chooseModel,
  tail: tailCalibrated,
};
