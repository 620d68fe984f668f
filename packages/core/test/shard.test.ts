import { describe, expect, it } from 'vitest';
import { hashKey, jumpHash, ownsKey, shardFromHostname } from '../src/index.js';

const keys = Array.from(
  { length: 10_000 },
  (_, i) => `http://10.${(i >> 8) & 255}.${i & 255}.1:9100/metrics`,
);
const hashes = keys.map(hashKey);

describe('hashKey', () => {
  it('is FNV-1a 64 of the UTF-8 bytes', () => {
    // published FNV-1a 64 test vectors: "" and "a"
    expect(hashKey('')).toBe(0xcbf29ce484222325n);
    expect(hashKey('a')).toBe(0xaf63dc4c8601ec8cn);
    expect(hashKey('foobar')).toBe(0x85944171f73967e8n);
  });
});

describe('jumpHash', () => {
  it('matches the paper’s C++ reference implementation', () => {
    // JumpConsistentHash from Lamping & Veach (2014), compiled with gcc, for these keys and bucket counts
    const buckets = [1, 2, 3, 10, 100, 1000, 65536];
    const reference: [bigint, number[]][] = [
      [0n, [0, 0, 0, 0, 0, 0, 0]],
      [1n, [0, 0, 0, 6, 55, 549, 21134]],
      [42n, [0, 1, 2, 2, 43, 571, 5747]],
      [0xdeadbeefn, [0, 1, 2, 5, 87, 285, 64244]],
      [0xffffffffffffffffn, [0, 1, 2, 9, 92, 313, 18311]],
      [0x85944171f73967e8n, [0, 1, 1, 5, 33, 635, 3869]],
    ];
    for (const [key, want] of reference) expect(buckets.map((b) => jumpHash(key, b))).toEqual(want);
  });

  it('spreads keys evenly over the buckets', () => {
    const counts = new Array(5).fill(0);
    for (const h of hashes) counts[jumpHash(h, 5)]++;
    for (const c of counts) expect(Math.abs(c - 2000)).toBeLessThan(200);
  });

  it.each([1, 2, 3, 4, 7])(
    'going from %i to +1 shards moves about 1/(N+1) of the keys, all to the new shard',
    (n) => {
      let moved = 0;
      for (const h of hashes) {
        const before = jumpHash(h, n);
        const after = jumpHash(h, n + 1);
        if (before === after) continue;
        moved++;
        expect(after).toBe(n);
      }
      const expected = keys.length / (n + 1);
      expect(Math.abs(moved - expected)).toBeLessThan(expected * 0.1);
    },
  );

  it('moves far fewer keys than hashmod would', () => {
    const hashmod = hashes.filter((h) => h % 3n !== h % 4n).length;
    const jump = hashes.filter((h) => jumpHash(h, 3) !== jumpHash(h, 4)).length;
    expect(hashmod).toBeGreaterThan(keys.length * 0.6);
    expect(jump).toBeLessThan(keys.length * 0.3);
  });

  it('refuses a bucket count below 1', () => {
    expect(() => jumpHash(1n, 0)).toThrow(/buckets must be an integer ≥ 1/);
  });
});

describe('ownsKey', () => {
  it('gives every key to exactly one of N shards', () => {
    for (const k of keys.slice(0, 2000)) {
      const owners = [0, 1, 2].filter((index) => ownsKey({ index, total: 3 }, k));
      expect(owners).toHaveLength(1);
    }
  });
});

describe('shardFromHostname', () => {
  it('takes the StatefulSet ordinal', () => {
    expect(shardFromHostname('argus-scrape-2', 3, 'scrape')).toEqual({ index: 2, total: 3 });
  });
  it('names the fix when there is no ordinal or it is out of range', () => {
    expect(() => shardFromHostname('laptop', 3, 'scrape')).toThrow(
      /scrape: shard.index is not set .* set shard.index/,
    );
    expect(() => shardFromHostname('argus-3', 3, 'scrape')).toThrow(
      /ordinal 3 .* not below shard.total \(3\)/,
    );
  });
});
