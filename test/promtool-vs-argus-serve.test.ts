// `argus serve` must answer Prometheus clients as Prometheus does: `promtool query instant|range|series|labels`
// (a real client, from the Debian prometheus package) is run against `argus serve` and against the real
// Prometheus 2.42 over the same data (both loaded from the same OpenMetrics text), and the answers compared.
import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describeWithBinary, type RunningServer, startServer } from '@argus/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generate, POINTS, STEP_MS, T0, toOpenMetrics } from '../packages/promql/test/differential/data.js';
import { type LoadedData, loadBoth } from '../packages/promql/test/differential/servers.js';

const BIN = fileURLToPath(new URL('../packages/cli/dist/bin.js', import.meta.url));
const s = (ms: number): string => String(ms / 1000);
const START = s(T0);
const END = s(T0 + (POINTS - 1) * STEP_MS);
const MID = s(T0 + 3_600_000 + 7_000);

/** promtool's exit code, stdout and stderr (never throws). */
function promtool(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((done) => {
    execFile('promtool', [...args], { timeout: 30_000 }, (error, out, err) =>
      done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, out, err }),
    );
  });
}

/** A JSON answer with lists sorted and values rounded to 12 digits (the engines may differ in the last bit). */
function normalise(out: string): unknown {
  const walk = (x: unknown): unknown => {
    if (Array.isArray(x)) {
      const items = x.map(walk);
      // a [time, "value"] pair keeps its order; lists of results, series and names are compared as sets
      return typeof x[0] === 'number'
        ? items
        : items.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
    }
    if (x && typeof x === 'object')
      return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, walk(v)]));
    if (typeof x === 'string' && /^-?\d/.test(x) && Number.isFinite(Number(x)))
      return Number(x).toPrecision(12);
    return x;
  };
  return walk(JSON.parse(out));
}

/** name, promtool query subcommand, its flags, and its arguments after the server URL. */
const CASES: [string, string, string[], string[]][] = [
  [
    'instant aggregation of rates',
    'instant',
    ['--time', MID],
    ['sum by (job) (rate(http_requests_total[5m]))'],
  ],
  [
    'instant histogram_quantile',
    'instant',
    ['--time', END],
    ['histogram_quantile(0.9, sum by (le, job) (rate(latency_seconds_bucket[10m])))'],
  ],
  [
    'instant selector with a regex, +Inf values',
    'instant',
    ['--time', MID],
    ['temperature{instance=~"0|2"} / 0'],
  ],
  ['instant scalar', 'instant', ['--time', MID], ['scalar(count(temperature))']],
  [
    'range of rates',
    'range',
    ['--start', START, '--end', END, '--step', '5m'],
    ['rate(http_requests_total{code="500"}[5m])'],
  ],
  [
    'range with offset',
    'range',
    ['--start', START, '--end', END, '--step', '90s'],
    ['max by (instance) (temperature offset 10m)'],
  ],
  [
    'series',
    'series',
    ['--match', 'http_requests_total{job="api"}', '--match', 'temperature', '--start', START, '--end', END],
    [],
  ],
  ['label values', 'labels', ['--start', START, '--end', END], ['instance']],
  ['metric names', 'labels', ['--start', START, '--end', END, '--match', '{job="db"}'], ['__name__']],
];

describeWithBinary(
  [
    { bin: 'prometheus', pkg: 'prometheus' },
    { bin: 'promtool', pkg: 'prometheus' },
  ],
  'promtool query against argus serve and Prometheus 2.42 over the same data',
  () => {
    let loaded: LoadedData;
    let argus: RunningServer;

    beforeAll(async () => {
      if (!existsSync(BIN)) throw new Error('packages/cli/dist is missing: run `pnpm build` first');
      loaded = await loadBoth(toOpenMetrics(generate(77)));
      argus = await startServer({
        command: process.execPath,
        args: ({ port }) => [
          BIN,
          'serve',
          '--data-dir',
          loaded.argusDataDir,
          '--retention',
          '36500d',
          '--listen',
          `127.0.0.1:${port}`,
        ],
        readyPath: '/-/ready',
      });
    }, 60_000);

    afterAll(async () => {
      await argus?.stop();
      await loaded?.prometheus.stop();
      if (loaded) rmSync(loaded.dir, { recursive: true, force: true });
    });

    it.each(CASES)('%s', async (_name, kind, flags, args) => {
      const run = (url: string) => promtool(['query', kind, '-o', 'json', ...flags, url, ...args]);
      const [a, p] = await Promise.all([run(argus.url), run(loaded.prometheus.url)]);
      expect(p.code, p.err).toBe(0);
      expect(a.code, a.err).toBe(0);
      expect(normalise(a.out)).toEqual(normalise(p.out));
      expect(JSON.parse(p.out)).not.toEqual([]);
    });

    it.each([
      ['a syntax error', 'sum(rate(temperature[5m])'],
      ['a type error', 'rate(temperature)'],
      ['an execution error', 'temperature * on() count(temperature)'],
    ])('reports %s as Prometheus does', async (_name, expr) => {
      const run = (url: string) => promtool(['query', 'instant', '--time', MID, url, expr]);
      const [a, p] = await Promise.all([run(argus.url), run(loaded.prometheus.url)]);
      expect(p.code).not.toBe(0);
      expect([a.code, a.err]).toEqual([p.code, p.err]);
    });
  },
);
