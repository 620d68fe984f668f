import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore } from '@argus/store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../src/index.js';
import { captureIo } from './helpers.js';
import { spawnCli } from './spawned.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'argus-cli-rules-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const T0 = 1_700_000_000;
const RULES = `
groups:
  - name: errors
    interval: 30s
    rules:
      - record: job:errors:rate1m
        expr: sum by (job) (rate(errors_total[1m]))
      - alert: Errors
        expr: job:errors:rate1m > 1
        for: 1m
`;

/** errors_total of job api: 0.5/s, 3/s from T0+300 s to T0+480 s, then 0.5/s; scraped every 15 s for 15 min. */
async function history(): Promise<string> {
  const data = join(dir, 'data');
  const store = createStore({ dataDir: data, retentionMs: 15 * 86_400_000 });
  await store.open();
  let v = 0;
  for (let s = 0; s <= 900; s += 15) {
    store.append({ __name__: 'errors_total', job: 'api' }, (T0 + s) * 1000, v);
    v += s >= 300 && s < 480 ? 45 : 7.5;
  }
  await store.close();
  return data;
}

describe('argus backtest', () => {
  it('runs a rule file over stored history: recording rules feed the alert; the data directory is untouched', async () => {
    const data = await history();
    const rules = join(dir, 'rules.yml');
    writeFileSync(rules, RULES);
    const io = captureIo();
    const argv = ['backtest', rules, '--data-dir', data, '--from', String(T0), '--to', String(T0 + 900)];
    expect(await main(argv, io)).toBe(0);
    const at = (s: number) => new Date((T0 + s) * 1000).toISOString();
    expect(io.out.split('\n').slice(0, 3)).toEqual([
      `${at(330)} pending  Errors{job="api"} value=1.75`,
      `${at(390)} firing   Errors{job="api"} value=3`,
      `${at(540)} resolved Errors{job="api"} value=1.75`,
    ]);
    expect(io.out).toMatch(/30 evaluations, 1 firing, 1 resolved, 1 pending/);
    // not a TTY: plain progress lines, the last at 100 %
    expect(io.err).toMatch(/argus: backtest 100% \(30 of 30 evaluations\)\n$/);
    expect(io.err).not.toContain('\r');
    const store = createStore({ dataDir: data, retentionMs: 15 * 86_400_000 });
    await store.open();
    expect(
      store.readSeries([{ name: '__name__', op: '=', value: 'job:errors:rate1m' }], 0, Infinity),
    ).toEqual([]);
    await store.close();
  });

  it('backtests one expression at --step, with a progress bar on a TTY', async () => {
    const data = await history();
    const io = captureIo();
    io.tty = true;
    const argv = ['backtest', '--expr', 'rate(errors_total[1m]) > 2', '--step', '1m'];
    expect(
      await main([...argv, '--data-dir', data, '--from', String(T0), '--to', String(T0 + 900)], io),
    ).toBe(0);
    expect(io.out).toMatch(/firing {3}expr\{job="api"\} value=3\n/);
    expect(io.out).toMatch(/15 evaluations, 1 firing, 1 resolved/);
    expect(io.err).toContain('\rargus: backtest [####################] 100%\n');
  });

  it('refuses bad usage with exit code 2, bad times with 1', async () => {
    expect(await main(['backtest', 'r.yml'], captureIo())).toBe(2);
    const io = captureIo();
    expect(await main(['backtest', '--expr', 'up', '--data-dir', dir, '--from', 'yesterday'], io)).toBe(1);
    expect(io.err).toMatch(/--from must be RFC 3339/);
  });
});

describe('argus run with rules:', () => {
  it('validate reads the rule files and names the one that is wrong', async () => {
    const cfg = join(dir, 'argus.yaml');
    writeFileSync(
      cfg,
      'sources:\n  - use: synthetic\n    options: { series: [{ labels: { __name__: q }, base: 5 }] }\nrules:\n  files: [bad.yml]\n',
    );
    writeFileSync(join(dir, 'bad.yml'), 'groups:\n  - name: g\n    rules:\n      - alert: A\n');
    const io = captureIo();
    expect(await main(['validate', cfg], io)).toBe(1);
    expect(io.err).toMatch(/argus\.yaml:5:\d+ rules\.files: bad\.yml: not a valid Prometheus rule file/);
    expect(io.err).toMatch(/bad\.yml:4:9: group "g", rule 1, "A": field 'expr' must be set in rule/);
  });

  it('runs the rule files in process over what the pipeline reads', async () => {
    const cfg = join(dir, 'argus.yaml');
    writeFileSync(
      cfg,
      [
        'sources:',
        '  - use: synthetic',
        '    intervalMs: 200',
        '    options: { stepMs: 200, series: [{ labels: { __name__: queue_depth }, base: 20, noise: 0 }] }',
        'sinks:',
        '  - use: console',
        'rules:',
        '  files: [rules.yml]',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'rules.yml'),
      'groups:\n  - name: q\n    interval: 200ms\n    rules:\n      - alert: QueueDeep\n        expr: max(queue_depth) > 10\n',
    );
    // run until the alert is printed, however long a loaded machine takes to get there (a fixed --duration
    // raced the first evaluation), then stop it as a user would
    const proc = spawnCli(['run', cfg]);
    try {
      await proc.waitFor(/QueueDeep/);
      proc.child.kill('SIGINT');
      expect(await proc.exited).toBe(0);
    } finally {
      proc.kill();
    }
  }, 90_000);
});
