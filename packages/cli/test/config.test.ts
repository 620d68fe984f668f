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

  it('points a shape error at file:line:column and the field path', async () => {
    const r = await validate('bad-type.yaml');
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      `${fx('bad-type.yaml')}:9:17 sinks[0].intervalMs: expected number, received string`,
    );
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
      /unknown\.yaml:2:10 sources\[0\]\.use: unknown plugin "synthetc"; builtins: synthetic, process, ewma, score-threshold, console/,
    );
  });

  it('refuses a plugin with another apiVersion, naming the entry, and maps third-party option issues', async () => {
    const r = await validate('v2.yaml');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /v2\.yaml:5:10 sources\[1\]\.use: use: "argus-plugin-v2#futureSource" \(plugin "future"\) declares apiVersion 2.*implements apiVersion 1/,
    );
    expect(r.err).toMatch(/v2\.yaml:9:15 sinks\[0\]\.options\.prefix: expected string \(given: 42\)/);
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
