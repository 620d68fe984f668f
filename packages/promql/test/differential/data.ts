// Seeded test data for the differential test: counters with resets, gauges, a gap longer than the lookback,
// and classic histogram buckets, as series (for Argus) and as OpenMetrics text (for promtool).
import { createHash } from 'node:crypto';
import type { MemorySeries } from '../../src/index.js';

/** A seeded random source (SHA-256 of seed and counter): the same seed gives the same data and expressions. */
export function rng(seed: number): () => number {
  let n = 0;
  return () => createHash('sha256').update(`${seed}:${n++}`).digest().readUInt32BE(0) / 2 ** 32;
}

/** Start of the data: a whole second, so that OpenMetrics' seconds carry the times exactly. */
export const T0 = 1_700_000_000_000;
export const STEP_MS = 15_000;
export const POINTS = 481; // two hours

/** Generates the data set. */
export function generate(seed: number): MemorySeries[] {
  const r = rng(seed);
  const out: MemorySeries[] = [];
  const times = (skip?: (i: number) => boolean) =>
    Array.from({ length: POINTS }, (_, i) => i).filter((i) => !skip?.(i));
  for (const job of ['api', 'db']) {
    for (const instance of ['0', '1', '2']) {
      for (const code of ['200', '500']) {
        let v = Math.floor(r() * 100);
        const idx = times(instance === '2' && code === '500' ? (i) => i > 200 && i < 240 : undefined);
        const values = idx.map(() => {
          v = r() < 0.01 ? Math.floor(r() * 5) : v + Math.floor(r() * (code === '200' ? 20 : 3));
          return v;
        });
        out.push(series({ __name__: 'http_requests_total', job, instance, code }, idx, values));
      }
      let g = 20 + r() * 10;
      const idx = times();
      out.push(
        series(
          { __name__: 'temperature', job, instance },
          idx,
          idx.map(() => (g += r() * 2 - 1)),
        ),
      );
    }
    const counts = [0, 0, 0, 0];
    const les = ['0.1', '0.5', '1', '+Inf'];
    const idx = times();
    const cols = les.map(() => [] as number[]);
    for (const _ of idx) {
      for (let n = Math.floor(r() * 10); n > 0; n--) {
        const x = r() * 1.5;
        les.forEach((le, b) => {
          if (le === '+Inf' || x <= Number(le)) counts[b]!++;
        });
      }
      for (let b = 0; b < les.length; b++) cols[b]!.push(counts[b]!);
    }
    for (const [b, le] of les.entries())
      out.push(series({ __name__: 'latency_seconds_bucket', job, le }, idx, cols[b]!));
  }
  return out;
}

function series(labels: Record<string, string>, idx: number[], values: number[]): MemorySeries {
  return { labels, timestamps: idx.map((i) => T0 + i * STEP_MS), values };
}

/** The data as OpenMetrics text, as `promtool tsdb create-blocks-from openmetrics` reads it. */
export function toOpenMetrics(data: readonly MemorySeries[]): string {
  const lines: string[] = [];
  for (const s of data) {
    const { __name__: name, ...rest } = s.labels;
    const labels = Object.entries(rest)
      .map(([k, v]) => `${k}="${v}"`)
      .join(',');
    for (const [i, t] of s.timestamps.entries()) lines.push(`${name}{${labels}} ${s.values[i]} ${t / 1000}`);
  }
  return `${lines.join('\n')}\n# EOF\n`;
}
