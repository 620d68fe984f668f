// Data sets for the store benchmark: monitoring-like series from the synthetic generator, and NAB files.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSeries } from '../../packages/source-synthetic/dist/index.js';

const STEP = 15_000;

/**
 * `n` series over [from, to) at 15 s: half gauges (rounded to 4 significant digits, like most exporters'
 * CPU/memory/latency gauges), half counters (integer running totals). `round: false` keeps full precision.
 */
export function monitoringSeries(n, from, to, { round = true } = {}) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const counter = i % 2 === 1;
    const spec = counter
      ? { kind: 'counter', base: 5 + (i % 40), noise: 2, daily: 3 }
      : { base: 40 + (i % 50), noise: 3, daily: 10, trendPerHour: 0.01 };
    const g = generateSeries(spec, { from, to, stepMs: STEP, seed: 42, seriesIndex: i });
    const values = new Float64Array(g.values.length);
    for (let k = 0; k < values.length; k++) {
      const v = g.values[k];
      values[k] = !round ? v : counter ? Math.round(v) : Number(v.toPrecision(4));
    }
    const labels = {
      __name__: counter ? 'bench_counter' : 'bench_gauge',
      instance: `host-${i}`,
      job: 'bench',
    };
    out.push({ labels, timestamps: g.timestamps, values });
  }
  return out;
}

/** NAB's CSV files (timestamp,value), or [] when the data set is not on this machine. */
export function nabSeries(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const group of readdirSync(dir)) {
    const gdir = join(dir, group);
    for (const f of readdirSync(gdir).filter((x) => x.endsWith('.csv'))) {
      const rows = readFileSync(join(gdir, f), 'utf8').trim().split('\n').slice(1);
      const ts = [];
      const vs = [];
      for (const r of rows) {
        const [t, v] = r.split(',');
        ts.push(Date.parse(`${t.replace(' ', 'T')}Z`));
        vs.push(Number(v));
      }
      // NAB files are sorted but a few hold repeated timestamps; the store ignores exact repeats
      out.push({
        labels: { __name__: 'nab', file: `${group}/${f}` },
        timestamps: Float64Array.from(ts),
        values: Float64Array.from(vs),
      });
    }
  }
  return out;
}

/** Writes series as OpenMetrics text (for promtool), timestamps in seconds. */
export function toOpenMetrics(series) {
  const parts = [];
  const byName = new Map();
  for (const s of series) {
    const name = s.labels.__name__;
    if (!byName.has(name)) byName.set(name, []);
    byName.get(name).push(s);
  }
  for (const [name, list] of byName) {
    parts.push(`# TYPE ${name} gauge\n`);
    for (const s of list) {
      const lbl = Object.entries(s.labels)
        .filter(([k]) => k !== '__name__')
        .map(([k, v]) => `${k}="${v}"`)
        .join(',');
      let chunk = '';
      for (let i = 0; i < s.timestamps.length; i++) {
        chunk += `${name}{${lbl}} ${s.values[i]} ${s.timestamps[i] / 1000}\n`;
      }
      parts.push(chunk);
    }
  }
  parts.push('# EOF\n');
  return parts.join('');
}
