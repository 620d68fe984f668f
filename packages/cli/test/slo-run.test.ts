// `slos:` in a run config: SLO files, inline or by path, whose generated recording rules and burn-rate alerts run
// in process like `rules:` (issue 14), validated with every problem located at its field.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/index.js';
import { captureIo } from './helpers.js';
import { spawnCli } from './spawned.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-slo-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// two counters at the same rate: every request is an error, so both burn-rate windows are far over budget
const SOURCE = [
  'sources:',
  '  - use: synthetic',
  '    intervalMs: 200',
  '    options:',
  '      stepMs: 200',
  '      series:',
  '        - { labels: { __name__: http_requests_total, job: api }, kind: counter, base: 10, noise: 0 }',
  '        - { labels: { __name__: http_errors_total, job: api }, kind: counter, base: 10, noise: 0 }',
  'sinks:',
  '  - use: console',
];

const SLO_LINES = [
  'service: shop',
  'interval: 200ms',
  'slos:',
  '  - name: availability',
  '    objective: 99.9',
  '    sli:',
  '      events:',
  '        errors: sum(rate(http_errors_total{job="api"}[{{.window}}]))',
  '        total: sum(rate(http_requests_total{job="api"}[{{.window}}]))',
];

const config = (name: string, lines: string[]): string => {
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
};
const indent = (lines: string[], first: string, rest: string): string[] =>
  lines.map((l, i) => (i === 0 ? first : rest) + l);

describe('argus run with slos:', () => {
  it('runs an inline SLO in process: its burn-rate alert fires over what the pipeline reads', async () => {
    const cfg = config('inline.yaml', [...SOURCE, 'slos:', ...indent(SLO_LINES, '  - ', '    ')]);
    const io = captureIo();
    expect(await main(['run', cfg, '--duration', '3'], io)).toBe(0);
    expect(io.err).not.toMatch(/error/i);
    expect(io.out).toMatch(/AvailabilityBudgetBurn/);
  }, 30_000);

  it('reads an SLO file named by path, relative to the config', async () => {
    writeFileSync(join(dir, 'slo.yaml'), `${SLO_LINES.join('\n')}\n`);
    const cfg = config('by-path.yaml', [...SOURCE, 'slos: [slo.yaml]']);
    const io = captureIo();
    expect(await main(['validate', cfg], io)).toBe(0);
    writeFileSync(
      join(dir, 'slo.yaml'),
      `${SLO_LINES.join('\n').replace('service: shop', 'service: shop!')}\n`,
    );
    const again = captureIo();
    expect(await main(['validate', cfg], again)).toBe(1);
    expect(again.err).toMatch(
      /by-path\.yaml:\d+:\d+ slos\[0\]: slo\.yaml: not an SLO file:\n\s+- service: letters/,
    );
  }, 30_000);

  it('locates each problem of an inline SLO at its field, and refuses a missing file', async () => {
    const bad = SLO_LINES.map((l) => l.replace('objective: 99.9', 'objective: 100'));
    const cfg = config('bad.yaml', [...SOURCE, 'slos:', ...indent(bad, '  - ', '    '), '  - missing.yaml']);
    const io = captureIo();
    expect(await main(['validate', cfg], io)).toBe(1);
    // line 16 is `objective: 100`: SOURCE's 10 lines, `slos:`, then service, interval, slos and name
    expect(io.err).toMatch(/bad\.yaml:16:\d+ slos\[0\]\.slos\[0\]\.objective: .*100/);
    expect(io.err).toMatch(/bad\.yaml:\d+:\d+ slos\[1\]: cannot read SLO file "missing\.yaml"/);
  });

  it('refuses slos: beside rules.prometheus, naming the fix', async () => {
    writeFileSync(join(dir, 'r.yml'), 'groups: []\n');
    const cfg = config('prom.yaml', [
      ...SOURCE,
      'rules:',
      '  files: [r.yml]',
      '  prometheus: http://127.0.0.1:9',
      'slos: [slo.yaml]',
    ]);
    writeFileSync(join(dir, 'slo.yaml'), `${SLO_LINES.join('\n')}\n`);
    const io = captureIo();
    expect(await main(['validate', cfg], io)).toBe(1);
    expect(io.err).toMatch(/prom\.yaml:14:\d+ slos: SLOs run in process .*`argus slo generate`/);
  });
});

describe('argus run: slos: reload with the config (SIGHUP)', () => {
  it('keeps the running SLOs on a wrong one, then applies a changed one', async () => {
    const named = (alert: string, objective = '99.9') =>
      indent(
        [
          ...SLO_LINES.map((l) => l.replace('objective: 99.9', `objective: ${objective}`)),
          `    alerting: { name: ${alert} }`,
        ],
        '  - ',
        '    ',
      );
    const file = config('reload.yaml', [...SOURCE, 'slos:', ...named('FirstBurn')]);
    const proc = spawnCli(['run', file]);
    try {
      await proc.waitFor(/FirstBurn/);
      writeFileSync(file, `${[...SOURCE, 'slos:', ...named('SecondBurn', '100')].join('\n')}\n`);
      proc.child.kill('SIGHUP');
      await proc.waitFor(
        /reload of .* failed .*the running configuration stays:\n.*slos\[0\]\.slos\[0\]\.objective/,
      );
      writeFileSync(file, `${[...SOURCE, 'slos:', ...named('ThirdBurn')].join('\n')}\n`);
      proc.child.kill('SIGHUP');
      await proc.waitFor(/argus: reloaded /);
      await proc.waitFor(/ThirdBurn/);
      expect(proc.output()).not.toMatch(/SecondBurn/);
    } finally {
      proc.child.kill('SIGTERM');
      await proc.exited;
    }
  }, 60_000);
});
