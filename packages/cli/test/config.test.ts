import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/index.js';
import { captureIo } from './helpers.js';

const fx = (name: string): string => join(import.meta.dirname, 'fixtures', name);

async function validate(name: string) {
  const io = captureIo();
  const code = await main(['validate', fx(name)], io);
  return { code, out: io.out, err: io.err };
}

async function validateText(yaml: string) {
  const dir = mkdtempSync(join(tmpdir(), 'argus-validate-'));
  try {
    writeFileSync(join(dir, 'argus.yaml'), yaml);
    const io = captureIo();
    const code = await main(['validate', join(dir, 'argus.yaml')], io);
    return { code, out: io.out, err: io.err, file: join(dir, 'argus.yaml') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('argus validate', () => {
  it('accepts a good YAML config, resolving a third-party plugin from the config folder', async () => {
    const r = await validate('good.yaml');
    expect(r.err).toBe('');
    expect(r.out).toBe(`${fx('good.yaml')}: OK (2 sources, 1 detector, 1 alerter, 2 sinks)\n`);
    expect(r.code).toBe(0);
  });

  it('knows the @argus/detectors builtins next to ewma', async () => {
    const r = await validate('detectors.yaml');
    expect(r.err).toBe('');
    expect(r.out).toBe(`${fx('detectors.yaml')}: OK (1 source, 8 detectors, 1 sink)\n`);
  });

  it('maps a detector option error back to its YAML line', async () => {
    const r = await validate('bad-ensemble.yaml');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bad-ensemble\.yaml:5:\d+ detectors\[0\]\.options\.suppressAt: /);
  });

  it('reports every problem of a file at once, in line order, each at file:line:column with its field path', async () => {
    const r = await validate('bad-type.yaml');
    expect(r.code).toBe(1);
    const f = fx('bad-type.yaml');
    expect(r.err.split('\n')).toEqual([
      `${f}:4:17 sources[0].intervalMs: expected number, received string`,
      `${f}:6:15 sources[0].options.stepMs: plugin "synthetic": expected number, received string (given: "1000")`,
      `${f}:11:27 detectors[0].options.threshold: plugin "ewma": expected number, received string (given: "high")`,
      `${f}:14:17 sinks[0].intervalMs: unknown field; known fields: use, options, onStartError, buffer, timeoutMs, maxRetries`,
      `${f}:15:25 sinks[0].options.finding: plugin "console": unknown field; did you mean "findings"? known fields: name, findings, json (given: false)`,
      '5 problems found',
      '',
    ]);
  });

  it('says "required" for a missing field', async () => {
    const r = await validateText('sources:\n  - options: {}\nsinks:\n  - use: console\n');
    expect(r.err).toBe(
      `${r.file}:2:5 sources[0].use: required (expected a builtin name, "<package>#<export>", a relative path "./file.js#export", or a plugin object)\n1 problem found\n`,
    );
  });

  it('loads a TypeScript plugin named by a relative path from a YAML config', async () => {
    const r = await validate('ts-plugin.yaml');
    expect(r.err).toBe('');
    expect(r.out).toContain('ts-plugin.yaml: OK (1 source, 1 sink)');
  });

  it('still reads the deprecated ewma option warmupPoints, with a deprecation warning', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error & { code?: string }) => warnings.push(`${w.code}: ${w.message}`);
    process.on('warning', onWarning);
    try {
      const r = await validateText(
        'sources:\n  - use: process\ndetectors:\n  - use: ewma\n    options: { warmupPoints: 5 }\n',
      );
      expect(r.code).toBe(0);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).toEqual([
        'ARGUS_EWMA_WARMUP_POINTS: ewma: the option warmupPoints is deprecated; rename it to warmupSamples',
      ]);
      const both = await validateText(
        'sources:\n  - use: process\ndetectors:\n  - use: ewma\n    options: { warmupPoints: 5, warmupSamples: 5 }\n',
      );
      expect(both.err).toContain('warmupPoints: plugin "ewma": give warmupSamples only');
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('maps a plugin option error back to the YAML line of that option', async () => {
    const r = await validate('bad-options.yaml');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /bad-options\.yaml:4:15 sources\[0\]\.options\.stepMs: .*expected number, received string/,
    );
  });

  it('lists the builtins when a name is unknown', async () => {
    const r = await validate('unknown.yaml');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /unknown\.yaml:2:10 sources\[0\]\.use: unknown plugin "synthetc"; did you mean "synthetic"\? builtins: synthetic, process, ewma, score-threshold, console/,
    );
  });

  it('refuses a plugin with another apiVersion, naming the entry, and maps third-party option issues', async () => {
    const r = await validate('v2.yaml');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /v2\.yaml:5:10 sources\[1\]\.use: use: "argus-plugin-v2#futureSource" \(plugin "future"\) declares apiVersion 2.*implements apiVersion 1/,
    );
    expect(r.err).toMatch(
      /v2\.yaml:9:15 sinks\[0\]\.options\.prefix: plugin "fixture-sink": expected string \(given: 42\)/,
    );
  });

  it('points a YAML syntax error at the bracket or quote left open, not at the next line', async () => {
    const map = await validateText(
      'sources:\n  - use: synthetic\n    options: { stepMs: 1000\nsinks:\n  - use: console\n',
    );
    expect(map.err).toMatch(/argus\.yaml:3:14 the flow map \{ opened here is never closed: end it with \}/);
    const quote = await validateText('sources:\n  - use: "process\nsinks: []\n');
    expect(quote.err).toMatch(
      /argus\.yaml:2:10 the quoted string " opened here is never closed: end it with "/,
    );
  });

  it('reports a YAML syntax error with its position', async () => {
    const io = captureIo();
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const dir = mkdtempSync(join((await import('node:os')).tmpdir(), 'argus-'));
    writeFileSync(join(dir, 'broken.yaml'), 'sources:\n  - use: synthetic\n   options: [\n');
    expect(await main(['validate', join(dir, 'broken.yaml')], io)).toBe(1);
    expect(io.err).toMatch(/broken\.yaml:\d+:\d+ /);
  });

  it('reports a missing file and an unknown extension', async () => {
    expect((await validate('nope.yaml')).err).toContain('no such file');
    expect((await validate('node_modules/argus-plugin-fixture/package.json')).code).toBe(1);
  });

  it('loads a TS config with jiti (plugin objects and entries mixed)', async () => {
    const r = await validate('config.ts');
    expect(r.err).toBe('');
    expect(r.out).toContain('config.ts: OK (1 source, 1 detector, 1 sink)');
  });

  it('reports option errors of a TS config by path', async () => {
    const r = await validate('bad-config.ts');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bad-config\.ts sources\[0\]\.options\.intervalMs: /);
  });
});

describe('argus run', () => {
  it('runs a config for --duration and prints findings through the console sink', async () => {
    const io = captureIo();
    const code = await main(['run', fx('good.yaml'), '--duration', '2'], io);
    expect(io.err).toContain('argus: running');
    expect(io.err).toContain('argus: stopped');
    expect(io.out).toMatch(/finding .* service=checkout {2}queue_depth=/);
    expect(code).toBe(0);
  }, 20_000);

  it('keeps learned state in the data directory (pipeline.dataDir), and validate touches nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'argus-run-'));
    try {
      const file = join(dir, 'argus.yaml');
      const dataDir = join(dir, 'data');
      writeFileSync(
        file,
        [
          'sources:',
          '  - use: synthetic',
          '    options: { stepMs: 1000, backfillMs: 60000, series: [{ labels: { __name__: q }, base: 5, noise: 1 }] }',
          'detectors:',
          '  - use: ensemble',
          'pipeline:',
          `  dataDir: ${JSON.stringify(dataDir)}`,
          '',
        ].join('\n'),
      );
      expect(await main(['validate', file], captureIo())).toBe(0);
      expect(existsSync(dataDir)).toBe(false);
      const io = captureIo();
      expect(await main(['run', file, '--duration', '1'], io)).toBe(0);
      const saved = readdirSync(join(dataDir, 'state'));
      expect(saved.some((f) => f.startsWith('ensemble'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 20_000);

  it('does not start a config with problems', async () => {
    const io = captureIo();
    expect(await main(['run', fx('unknown.yaml'), '--duration', '1'], io)).toBe(1);
    expect(io.err).not.toContain('argus: running');
  });
});
