// scrapeSource's `shard`: each replica scrapes only its share of the targets (jump consistent hash of the URL),
// its self-metrics say what it owns, and going from N to N+1 replicas moves about 1/(N+1) of the targets.
import type { MetricsHook } from '@argus/core';
import { testContext } from '@argus/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { scrapeSource } from '../src/index.js';
import { byName, pageServer, pollOnce, serve } from './helpers.js';

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function recordingContext() {
  const gauges: Record<string, number> = {};
  const metrics: MetricsHook = { count() {}, observe() {}, gauge: (n, v) => void (gauges[n] = v) };
  return { ctx: { ...testContext(), metrics }, gauges };
}

/** The `t` labels of the targets one replica scraped (every scraped target gets an `up` sample). */
async function owned(targets: { url: string; labels: { t: string } }[], index: number, total: number) {
  const { ctx, gauges } = recordingContext();
  const { rows } = await pollOnce(scrapeSource({ targets, job: 'app', shard: { index, total } }), ctx);
  return { ts: new Set(byName(rows, 'up').map((r) => r.labels['t']!)), gauges };
}

describe('scrapeSource shard', () => {
  it('splits the targets between replicas: disjoint, complete, and the self-metrics say so', async () => {
    const s = await pageServer(serve('temp 1\n'));
    servers.push(s);
    const targets = Array.from({ length: 24 }, (_, i) => ({
      url: `${s.url}?t=${i}`,
      labels: { t: String(i) },
    }));
    const a = await owned(targets, 0, 2);
    const b = await owned(targets, 1, 2);
    expect(a.ts.size).toBeGreaterThan(0);
    expect(b.ts.size).toBeGreaterThan(0);
    expect([...a.ts].filter((t) => b.ts.has(t))).toEqual([]);
    expect(new Set([...a.ts, ...b.ts]).size).toBe(24);
    expect(a.gauges).toEqual({
      shard_index: 0,
      shard_total: 2,
      shard_targets_owned: a.ts.size,
      shard_targets_seen: 24,
    });
    expect(b.gauges['shard_targets_owned']).toBe(b.ts.size);
    // only the owned targets were requested at all
    expect(s.requests).toHaveLength(24);
  });

  it('going from 3 to 4 replicas moves about a quarter of the targets, all to the new replica', async () => {
    // port 1 on loopback refuses at once: every target still gets its `up` 0 sample, which is all we count
    const targets = Array.from({ length: 400 }, (_, i) => ({
      url: `http://127.0.0.1:1/metrics?t=${i}`,
      labels: { t: String(i) },
    }));
    const ownerIn = async (total: number): Promise<Map<string, number>> => {
      const owner = new Map<string, number>();
      for (let index = 0; index < total; index++)
        for (const t of (await owned(targets, index, total)).ts) owner.set(t, index);
      return owner;
    };
    const before = await ownerIn(3);
    const after = await ownerIn(4);
    expect(before.size).toBe(400);
    expect(after.size).toBe(400);
    const moved = [...before].filter(([t, i]) => after.get(t) !== i);
    expect(moved.every(([t]) => after.get(t) === 3)).toBe(true);
    // 1/(N+1) = 100 of 400 expected; a binomial spread of ±3 standard deviations (≈26)
    expect(moved.length).toBeGreaterThan(74);
    expect(moved.length).toBeLessThan(126);
  });

  it('takes the index from a StatefulSet HOSTNAME, and names the fix without one', async () => {
    const saved = process.env['HOSTNAME'];
    try {
      process.env['HOSTNAME'] = 'argus-scrape-1';
      const targets = Array.from({ length: 20 }, (_, i) => ({
        url: `http://127.0.0.1:1/m?t=${i}`,
        labels: { t: String(i) },
      }));
      const { ctx } = recordingContext();
      const { rows } = await pollOnce(scrapeSource({ targets, shard: { total: 2 } }), ctx);
      expect(new Set(byName(rows, 'up').map((r) => r.labels['t']))).toEqual((await owned(targets, 1, 2)).ts);
      process.env['HOSTNAME'] = 'laptop';
      expect(() => scrapeSource({ targets, shard: { total: 2 } })).toThrow(/HOSTNAME .* set shard.index/);
    } finally {
      if (saved === undefined) delete process.env['HOSTNAME'];
      else process.env['HOSTNAME'] = saved;
    }
  });

  it('refuses an index not below total', () => {
    expect(() => scrapeSource({ targets: ['http://127.0.0.1:1/m'], shard: { index: 2, total: 2 } })).toThrow(
      /shard/,
    );
  });
});
