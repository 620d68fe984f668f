import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/index.js';
import { captureIo } from './helpers.js';

describe('main', () => {
  it('prints help with --help and exits 0', async () => {
    const io = captureIo();
    expect(await main(['--help'], io)).toBe(0);
    expect(io.out).toContain('Usage: argus <command>');
  });

  it('prints the package version', async () => {
    const io = captureIo();
    expect(await main(['--version'], io)).toBe(0);
    expect(io.out.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.each([[['frobnicate']], [[]], [['demo', '--bogus']], [['demo', '--duration', 'soon']], [['run']]])(
    'exits 2 with help on bad usage: %j',
    async (argv) => {
      const io = captureIo();
      expect(await main(argv, io)).toBe(2);
      expect(io.err).toMatch(/argus|Usage/);
    },
  );
});

describe('bin', () => {
  const bin = join(import.meta.dirname, '..', 'dist', 'bin.js');
  it('runs `argus --help` from dist', () => {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`pnpm --filter @argus/cli build\` first`);
    const r = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('validate <config>');
    const bad = spawnSync(process.execPath, [bin, 'nope'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('unknown command "nope"');
  });

  it('`argus demo` without --duration keeps running until Ctrl-C, then stops gracefully', async () => {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`pnpm --filter @argus/cli build\` first`);
    const child = spawn(process.execPath, [bin, 'demo'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let bannered!: () => void;
    const banner = new Promise<'banner'>((r) => {
      bannered = () => r('banner');
    });
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('Ctrl-C to stop')) bannered();
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    // the banner, not a fixed wait (a loaded machine may take seconds to load the CLI): it must come before any exit
    expect(await Promise.race([exited, banner])).toBe('banner');
    expect(child.exitCode).toBeNull();
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    // the summary printed after a graceful stop
    expect(out).toMatch(/history: \d+ samples/);
  }, 30_000);
});
