import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  fileStateStore,
  memoryStateStore,
  openStateStore,
  type StateStore,
  scopedStateStore,
} from '../src/index.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'argus-state-'));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const kinds: [string, () => Promise<StateStore>][] = [
  ['memory', async () => memoryStateStore()],
  ['file', async () => fileStateStore({ dir: await tempDir() })],
];

describe.each(kinds)('%s state store', (_name, make) => {
  it('puts, gets, lists by prefix and deletes', async () => {
    const s = await make();
    expect(await s.get('missing')).toBeUndefined();
    await s.put('det/a', { x: 1, arr: [1, 2] });
    await s.put('det/b', 'two');
    await s.put('other', null);
    expect(await s.get('det/a')).toEqual({ x: 1, arr: [1, 2] });
    expect(await s.list('det/')).toEqual(['det/a', 'det/b']);
    expect(await s.list()).toEqual(['det/a', 'det/b', 'other']);
    await s.delete('det/a');
    await s.delete('never-there');
    expect(await s.get('det/a')).toBeUndefined();
  });

  it('returns copies: mutating a read value does not change stored state', async () => {
    const s = await make();
    await s.put('k', { n: 1 });
    const v = (await s.get<{ n: number }>('k'))!;
    v.n = 2;
    expect(await s.get('k')).toEqual({ n: 1 });
  });

  it('keeps odd keys apart and reversible', async () => {
    const s = await make();
    const keys = ['a/b', 'a%2Fb', '..', '.hidden', 'ünï/çødé', 'x*y'];
    for (const [i, k] of keys.entries()) await s.put(k, i);
    for (const [i, k] of keys.entries()) expect(await s.get(k)).toBe(i);
    expect(await s.list()).toEqual([...keys].sort());
  });

  it('rejects empty keys', async () => {
    const s = await make();
    await expect(s.put('', 1)).rejects.toThrow(/non-empty/);
  });

  it('scopes keys per plugin', async () => {
    const s = await make();
    const a = scopedStateStore(s, 'a');
    const b = scopedStateStore(s, 'b');
    await a.put('snapshot', 1);
    await b.put('snapshot', 2);
    expect(await a.get('snapshot')).toBe(1);
    expect(await a.list()).toEqual(['snapshot']);
    expect(await s.list()).toEqual(['a/snapshot', 'b/snapshot']);
  });
});

describe('file state store durability', () => {
  it('survives a new instance (restart) and leaves no temp files', async () => {
    const dir = await tempDir();
    await fileStateStore({ dir }).put('k', { v: [1, 2, 3] });
    expect(await fileStateStore({ dir }).get('k')).toEqual({ v: [1, 2, 3] });
    expect((await readdir(dir)).filter((f) => f.startsWith('.tmp'))).toEqual([]);
  });

  it('detects a corrupted file and names it and the fix', async () => {
    const dir = await tempDir();
    const s = fileStateStore({ dir });
    await s.put('alerts', { firing: ['a'] });
    const [file] = (await readdir(dir)).filter((f) => f.endsWith('.json'));
    const raw = await readFile(join(dir, file!), 'utf8');
    await writeFile(join(dir, file!), raw.replace('"a"', '"b"'));
    await expect(s.get('alerts')).rejects.toMatchObject({
      code: 'ERR_STATE_STORE',
      message: expect.stringMatching(/corrupt.*checksum.*delete/),
    });
  });

  it('a process killed with SIGKILL in the middle of writes leaves every key old-or-new, never torn', async () => {
    const dir = await tempDir();
    // the child runs the built package (the test command builds before vitest runs)
    const dist = new URL('../dist/index.js', import.meta.url);
    if (!existsSync(dist)) throw new Error('packages/core/dist is missing: run `pnpm build` first');
    const script = `
      const { fileStateStore } = await import(${JSON.stringify(dist.href)});
      const s = fileStateStore({ dir: ${JSON.stringify(dir)} });
      const pad = 'x'.repeat(50000);
      for (let round = 0; ; round++) {
        for (let k = 0; k < 5; k++) {
          const p = s.put('key' + k, { round, k, pad });
          if (round === 3 && k === 2) setImmediate(() => process.kill(process.pid, 'SIGKILL'));
          await p;
        }
      }`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.signal).toBe('SIGKILL');
    expect(await fileStateStore({ dir }).list()).toHaveLength(5);
    const s = fileStateStore({ dir });
    for (const key of await s.list()) {
      const v = await s.get<{ round: number; k: number; pad: string }>(key);
      expect(v?.pad.length).toBe(50000);
      expect(`key${v?.k}`).toBe(key);
    }
  });
});

describe('openStateStore', () => {
  it('falls back to memory with one clear warning when the directory is not writable', async () => {
    if (process.getuid?.() === 0) {
      // root can write anywhere; use a path under a regular file instead, which no one can create
      const dir = await tempDir();
      await writeFile(join(dir, 'file'), 'x');
      const warnings: string[] = [];
      const s = await openStateStore({
        dir: join(dir, 'file', 'state'),
        log: { debug() {}, info() {}, warn: (m) => warnings.push(m), error() {} },
      });
      expect(s.location).toBe('memory');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/not writable.*in memory/);
      return;
    }
    const dir = await tempDir();
    await chmod(dir, 0o500);
    const warnings: string[] = [];
    const s = await openStateStore({
      dir: join(dir, 'state'),
      log: { debug() {}, info() {}, warn: (m) => warnings.push(m), error() {} },
    });
    expect(s.location).toBe('memory');
    expect(warnings).toHaveLength(1);
  });

  it('uses the directory when it is writable', async () => {
    const dir = await tempDir();
    const s = await openStateStore({ dir });
    expect(s.location).toBe(dir);
  });
});
