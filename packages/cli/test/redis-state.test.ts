// pipeline.state.redis in a config: `argus run` keeps its state in a real redis-server 7 under the key prefix of
// its shard (`argus:${shard.index}:`), resolved per pod from the HOSTNAME ordinal like the rest of the shard block.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redisStateStore } from '@argus/state-redis';
import { describeWithBinary, type RunningServer, startRedis } from '@argus/testkit';
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { main } from '../src/index.js';
import { captureIo } from './helpers.js';

afterEach(() => vi.unstubAllEnvs());

describeWithBinary([{ bin: 'redis-server', pkg: 'redis-server' }], 'pipeline.state.redis', () => {
  let redis: RunningServer;
  const dir = mkdtempSync(join(tmpdir(), 'argus-redis-state-'));
  beforeAll(async () => {
    redis = await startRedis({ appendonly: false });
  });
  afterAll(async () => {
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const config = (url: string) =>
    [
      'shard: {}',
      'sources:',
      '  - use: process',
      '    intervalMs: 100',
      'detectors:',
      '  - use: robust-z',
      'pipeline:',
      `  dataDir: ${JSON.stringify(join(dir, 'data'))}`,
      `  state: { redis: { url: "${url}", keyPrefix: "argus:\${shard.index}:" } }`,
      '',
    ].join('\n');

  it("a run keeps the detectors' state in Redis under its shard's prefix, not on disk", async () => {
    const url = `redis://127.0.0.1:${redis.port}`;
    const file = join(dir, 'argus.yaml');
    writeFileSync(file, config(url));
    vi.stubEnv('HOSTNAME', 'argus-1');
    vi.stubEnv('ARGUS_SHARD_INDEX', '');
    vi.stubEnv('ARGUS_SHARD_TOTAL', '3');
    const io = captureIo();
    expect(await main(['run', file, '--duration', '1'], io)).toBe(0);
    const read = async (keyPrefix: string) => {
      const s = redisStateStore({ url, keyPrefix });
      try {
        return await s.list('');
      } finally {
        await s.close();
      }
    };
    const mine = await read('argus:1:');
    expect(mine.some((k) => k.startsWith('robust-z'))).toBe(true);
    expect(await read('argus:0:')).toEqual([]);
    expect(existsSync(join(dir, 'data', 'state'))).toBe(false);
  }, 60_000);

  it('refuses a URL that is not redis:// and a prefix token without a shard block, each located', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, config('http://127.0.0.1:1'));
    let io = captureIo();
    expect(await main(['validate', file], io)).toBe(1);
    expect(io.err).toMatch(/bad\.yaml:\d+:\d+ pipeline\.state\.redis\.url: a redis:\/\/ or rediss:\/\/ URL/);
    writeFileSync(file, config('redis://127.0.0.1:1').replace('shard: {}\n', ''));
    io = captureIo();
    expect(await main(['validate', file], io)).toBe(1);
    expect(io.err).toMatch(/pipeline\.state: uses \$\{shard\.index\}, but the config has no shard: block/);
  });
});
