import {
  createSeriesRegistry,
  type Detector,
  type Finding,
  metricBatch,
  type StageContext,
  silentLogger,
} from '@argus/core';

/** A stage context over a fresh registry. */
export function stageContext(): StageContext {
  const metrics = { count() {}, gauge() {}, observe() {} };
  return { now: 0, mode: 'batch', series: createSeriesRegistry(), log: silentLogger, metrics };
}

/** Seeded uniform numbers in [0, 1) (mulberry32), so every run sees the same series. */
export function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Seeded normal noise (mulberry32 + Box-Muller), so every run sees the same series. */
export function noise(seed: number): () => number {
  const u = uniform(seed);
  return () => Math.sqrt(-2 * Math.log(u() + 1e-300)) * Math.cos(2 * Math.PI * u());
}

export const STEP_MS: number = 300_000;
export const T0: number = Date.UTC(2024, 0, 1);

/** A clean daily-seasonal series sampled every 5 minutes: `base + amp·sin(day) + sd·noise`. */
export function seasonal(
  n: number,
  seed = 1,
  base = 100,
  amp = 20,
  sd = 2,
): { t: Float64Array; v: Float64Array } {
  const rnd = noise(seed);
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    t[i] = T0 + i * STEP_MS;
    v[i] = base + amp * Math.sin((2 * Math.PI * (t[i] as number)) / 86_400_000) + sd * rnd();
  }
  return { t, v };
}

/** Feeds one series through a detector in batches of `chunk` and returns its findings. */
export function feed(
  det: Detector,
  t: Float64Array,
  v: Float64Array,
  ctx: StageContext = stageContext(),
  chunk = 100,
): Finding[] {
  const id = ctx.series.intern({ __name__: 'x' });
  const found: Finding[] = [];
  for (let s = 0; s < t.length; s += chunk) {
    const e = Math.min(t.length, s + chunk);
    const batch = metricBatch(new Int32Array(e - s).fill(id), t.slice(s, e), v.slice(s, e));
    found.push(...(det.detect?.(batch, ctx) ?? []));
  }
  return found;
}
