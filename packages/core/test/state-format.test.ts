import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fileStateStore } from '../src/index.js';

// state files written by @argus/core 1.0 (test/fixtures/make-state-v1.mjs), never rewritten
const FIXTURE = new URL('./fixtures/state-v1/', import.meta.url).pathname;
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function copyOfFixture(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'argus-state-v1-'));
  dirs.push(d);
  await cp(FIXTURE, d, { recursive: true });
  return d;
}

describe('state file format versions', () => {
  it('reads the files the 1.0 release wrote', async () => {
    const store = fileStateStore({ dir: await copyOfFixture(), fsync: false });
    expect(await store.list()).toEqual([
      'detector/ensemble/baseline',
      'odd key/with.dots*',
      'pipeline/snapshot',
    ]);
    expect(await store.get('detector/ensemble/baseline')).toEqual({
      mean: 0.25,
      m2: 1.5,
      n: 120,
      series: ['up{job="node"}'],
    });
    expect(await store.get('pipeline/snapshot')).toEqual({
      at: 1_700_000_000_000,
      plugins: { ensemble: { v: 1 } },
    });
    expect(await store.get('odd key/with.dots*')).toBe('text');
  });

  it('refuses a file of a newer format with ERR_FORMAT_VERSION naming both versions', async () => {
    const dir = await copyOfFixture();
    const file = join(dir, 'pipeline%2Fsnapshot.json');
    const raw = await readFile(file, 'utf8');
    await writeFile(file, raw.replace('{"v":1,', '{"v":2,'));
    const err = await fileStateStore({ dir })
      .get('pipeline/snapshot')
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_FORMAT_VERSION' });
    expect((err as Error).message).toMatch(
      /is format 2, written by a newer Argus; .* reads state formats up to 1/,
    );
  });

  it('refuses a header without a format version as corrupt', async () => {
    const dir = await copyOfFixture();
    const file = join(dir, 'pipeline%2Fsnapshot.json');
    await writeFile(file, (await readFile(file, 'utf8')).replace('{"v":1,', '{'));
    await expect(fileStateStore({ dir }).get('pipeline/snapshot')).rejects.toMatchObject({
      code: 'ERR_STATE_STORE',
    });
  });
});
