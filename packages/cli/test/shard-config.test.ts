import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { main } from '../src/index.js';
import { captureIo } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-shard-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());

let n = 0;
async function load(yaml: string) {
  const file = join(dir, `c${n++}.yaml`);
  writeFileSync(file, yaml);
  return loadConfig(file);
}

const SHARDED = `
shard: {}
sources:
  - use: synthetic
    options: { seed: 1, shard: $shard, keyPrefix: "argus:\${shard.index}:of:\${shard.total}:" }
`;

describe('the shard: block of a config', () => {
  it('takes the index from the StatefulSet ordinal of HOSTNAME and the total from ARGUS_SHARD_TOTAL', async () => {
    vi.stubEnv('HOSTNAME', 'argus-2');
    vi.stubEnv('ARGUS_SHARD_TOTAL', '3');
    vi.stubEnv('ARGUS_SHARD_INDEX', '');
    const r = await load(SHARDED);
    expect(r.problems).toEqual([]);
    expect(r.config!.sources[0]!.options).toEqual({
      seed: 1,
      shard: { index: 2, total: 3 },
      keyPrefix: 'argus:2:of:3:',
    });
  });

  it('ARGUS_SHARD_INDEX wins over HOSTNAME, and the block wins over both', async () => {
    vi.stubEnv('HOSTNAME', 'argus-2');
    vi.stubEnv('ARGUS_SHARD_TOTAL', '3');
    vi.stubEnv('ARGUS_SHARD_INDEX', '0');
    expect((await load(SHARDED)).config!.sources[0]!.options!['shard']).toEqual({ index: 0, total: 3 });
    const r = await load(SHARDED.replace('shard: {}', 'shard: { index: 1, total: 4 }'));
    expect(r.config!.sources[0]!.options!['shard']).toEqual({ index: 1, total: 4 });
  });

  it('is a located problem when it cannot be resolved here, naming what to set', async () => {
    vi.stubEnv('HOSTNAME', 'laptop');
    vi.stubEnv('ARGUS_SHARD_INDEX', '');
    vi.stubEnv('ARGUS_SHARD_TOTAL', '');
    let r = await load(SHARDED);
    expect(r.problems).toEqual([
      expect.stringMatching(
        /c\d+\.yaml:2:8 shard: total is not set: set shard.total or the ARGUS_SHARD_TOTAL/,
      ),
    ]);
    vi.stubEnv('ARGUS_SHARD_TOTAL', '3');
    r = await load(SHARDED);
    expect(r.problems).toEqual([
      expect.stringMatching(/shard: .*HOSTNAME \("laptop"\) has no StatefulSet ordinal/),
    ]);
    vi.stubEnv('HOSTNAME', 'argus-3');
    r = await load(SHARDED);
    expect(r.problems).toEqual([
      expect.stringMatching(/ordinal 3 from HOSTNAME is not below shard.total \(3\)/),
    ]);
    vi.stubEnv('ARGUS_SHARD_TOTAL', 'three');
    r = await load(SHARDED);
    expect(r.problems).toEqual([
      expect.stringMatching(/ARGUS_SHARD_TOTAL must be a whole number, got "three"/),
    ]);
  });

  it('a $shard token without a shard: block is a problem at the entry', async () => {
    const r = await load(SHARDED.replace('shard: {}\n', ''));
    expect(r.problems).toEqual([
      expect.stringMatching(/sources\[0\]\.options: uses \$shard .* has no shard: block/),
    ]);
  });

  it('leaves a config without tokens as it was', async () => {
    vi.stubEnv('HOSTNAME', 'argus-1');
    vi.stubEnv('ARGUS_SHARD_TOTAL', '2');
    const r = await load('shard:\nsources:\n  - use: synthetic\n    options: { seed: 1, name: "$shards" }\n');
    expect(r.problems).toEqual([]);
    expect(r.config!.shard).toEqual({});
    expect(r.config!.sources[0]!.options).toEqual({ seed: 1, name: '$shards' });
  });

  it('argus validate builds the shardSeries builtin from $shard, and its own check refuses a bad shard', async () => {
    vi.stubEnv('HOSTNAME', 'argus-1');
    vi.stubEnv('ARGUS_SHARD_INDEX', '');
    vi.stubEnv('ARGUS_SHARD_TOTAL', '2');
    const file = join(dir, 'validate.yaml');
    const yaml =
      'shard: {}\nsources:\n  - use: process\nprocessors:\n  - use: shardSeries\n    options: { shard: $shard }\n';
    writeFileSync(file, yaml);
    let io = captureIo();
    expect(await main(['validate', file], io)).toBe(0);
    expect(io.out).toMatch(/OK \(1 source, 1 processor\)/);
    writeFileSync(file, yaml.replace('$shard', '{ index: 2, total: 2 }'));
    io = captureIo();
    expect(await main(['validate', file], io)).not.toBe(0);
    expect(io.err).toMatch(
      /processors\[0\]\.options\.shard\.index: plugin "shard-series": shard.index must be below shard.total/,
    );
  });
});
