// Resharding 2 → 3 replicas under load (issue 21, test 5): whole pipelines (scrape → threshold rule → sink) per
// replica on one fake clock, scraping real HTTP targets on loopback, rolled out the way docs/scaling.md says (the
// new replica first, then each old one replaced by one with the new total, each pod starting half an interval off
// the others' phase). Every step waits until the replicas that polled at that instant delivered the poll to their
// sinks, so request counts and scrape instants are exact and nothing depends on how fast this machine is.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { thresholdRule } from '@argus/alerting';
import { type Alert, createPipeline, memoryStateStore, type Pipeline, scopedStateStore } from '@argus/core';
import { fakeClock, type MemorySink, memorySink } from '@argus/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { scrapeSource } from '../src/index.js';

const INTERVAL_MS = 1000;
const TARGETS = 60;
// a bound for a loaded machine, never reached when the code works: each wait ends on a sink write
const WAIT_MS = 20_000;

interface Replica {
  readonly index: number;
  readonly total: number;
  readonly pipeline: Pipeline;
  readonly sink: MemorySink;
}

/** One HTTP server, one target per `?t=`; counts the requests per target since the last `take()`. */
async function targetServer() {
  let counts = new Map<string, number>();
  let temp = 60;
  const server = createServer((req, res) => {
    const t = new URL(req.url ?? '/', 'http://x').searchParams.get('t') ?? '?';
    counts.set(t, (counts.get(t) ?? 0) + 1);
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(`# TYPE temp gauge\ntemp ${temp}\n`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    targets: Array.from({ length: TARGETS }, (_, i) => ({
      url: `http://127.0.0.1:${port}/metrics?t=${i}`,
      labels: { t: String(i) },
    })),
    cool() {
      temp = 10;
    },
    take() {
      const c = counts;
      counts = new Map();
      return c;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('resharding 2 → 3 replicas under load', () => {
  it('keeps every target scraped through the rollout, exactly once after it; alert state follows the docs', async () => {
    const server = await targetServer();
    cleanups.push(server.close);
    const clock = fakeClock({ now: 1_000_000 });
    // one Redis-like store; each shard index keeps its own prefix, which its replacement resumes
    const state = memoryStateStore();
    const live: Replica[] = [];
    cleanups.push(async () => {
      await Promise.all(live.map((r) => r.pipeline.stop()));
    });

    const start = async (index: number, total: number): Promise<Replica> => {
      const sink = memorySink({ name: `sink-${index}-of-${total}` });
      const pipeline = createPipeline({
        clock,
        state: scopedStateStore(state, `shard-${index}`),
        sources: [
          {
            use: scrapeSource({ targets: server.targets, job: 'app', shard: { index, total } }),
            intervalMs: INTERVAL_MS,
            jitterMs: 0,
          },
        ],
        alerters: [thresholdRule({ alert: 'Hot', selector: 'temp', threshold: 50 })],
        sinks: [sink],
        evaluateIntervalMs: 3_600_000,
      });
      await pipeline.start();
      const r = { index, total, pipeline, sink };
      live.push(r);
      return r;
    };
    const replace = async (old: Replica, total: number): Promise<Replica> => {
      live.splice(live.indexOf(old), 1);
      await old.pipeline.stop();
      return start(old.index, total);
    };
    // the given replicas have delivered their poll of the current instant (each owns some targets, so each
    // poll carries `up` samples stamped now)
    const settle = async (rs: readonly Replica[] = live): Promise<void> => {
      const now = clock.now();
      await Promise.all(
        rs.map((r) => r.sink.waitFor((s) => s.samples().some((x) => x.timestamp === now), WAIT_MS)),
      );
    };
    const advance = (ms: number): Promise<void> => clock.advanceAsync(ms);
    const owned = (r: Replica) => r.pipeline.stats().plugins['scrape']?.custom ?? {};
    const HALF = INTERVAL_MS / 2;

    const a0 = await start(0, 2);
    const a1 = await start(1, 2);
    await settle();
    server.take();
    await advance(INTERVAL_MS);
    await settle();
    const settledBefore = server.take();
    const before = ownersOf(live);
    const firstFiring = firingSince(live);

    // the rollout, as docs/scaling.md says: the new replica first, then each old one replaced by one with the
    // new total; pods start off the old replicas' phase (half an interval), as they do in a real rollout
    await advance(HALF);
    const b2 = await start(2, 3);
    await settle([b2]);
    expect(live.reduce((n, r) => n + (owned(r)['shard_targets_owned'] ?? 0), 0)).toBeGreaterThan(TARGETS);
    await advance(HALF);
    await settle([a0, a1]);
    await advance(HALF);
    await settle([b2]);
    const b0 = await replace(a0, 3);
    await settle([b0]);
    await advance(HALF);
    await settle([a1]);
    await advance(HALF);
    await settle([b2, b0]);
    const b1 = await replace(a1, 3);
    await settle([b1]);
    server.take();
    const settledAfter: Map<string, number>[] = [];
    for (let i = 0; i < 2; i++) {
      await advance(INTERVAL_MS);
      await settle();
      settledAfter.push(server.take());
    }

    // never unowned: for every target, no gap between two scrapes (by any replica) longer than one interval
    const scrapes = scrapeTimes([a0, a1, b0, b1, b2]);
    expect([...scrapes.keys()].sort()).toEqual(server.targets.map((t) => t.labels.t).sort());
    const longestGap = Math.max(...[...scrapes.values()].map(maxGap));
    expect(longestGap).toBeLessThanOrEqual(INTERVAL_MS);

    // before and after the rollout: every target exactly once per interval
    for (const counts of [settledBefore, ...settledAfter]) {
      expect(counts.size).toBe(TARGETS);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
    }

    // the self-metrics agree: the owned counts add up to what every replica sees
    for (const r of [b0, b1, b2])
      expect(owned(r)).toMatchObject({ shard_total: 3, shard_targets_seen: TARGETS });
    expect([b0, b1, b2].reduce((n, r) => n + (owned(r)['shard_targets_owned'] ?? 0), 0)).toBe(TARGETS);

    // jump hashing: about a third moved, every moved target to the new replica
    const after = ownersOf([b0, b1, b2]);
    const moved = [...before].filter(([t, i]) => after.get(t) !== i);
    expect(moved.length).toBeGreaterThan(0);
    expect(moved.length).toBeLessThan(TARGETS / 2);
    expect(moved.every(([t]) => after.get(t) === 2)).toBe(true);

    // alert state (docs/scaling.md): the replacement of a shard resumes its prefix's state, so a target that
    // stayed keeps its alert (never fired again, and it resolves with the original startsAt, which a cold
    // replica would not know); a moved target's alert starts again on its new owner
    const fired = (r: Replica) => r.sink.alerts().filter((a) => a.state === 'firing');
    expect(fired(b0)).toEqual([]);
    expect(fired(b1)).toEqual([]);
    expect(fired(b2).map(tOf).sort()).toEqual(moved.map(([t]) => t).sort());
    server.cool();
    await advance(INTERVAL_MS);
    await settle();
    const resolved = (r: Replica) => r.sink.alerts().filter((a) => a.state === 'resolved');
    await Promise.all(
      [b0, b1, b2].map((r) =>
        r.sink.waitFor(() => resolved(r).length >= (owned(r)['shard_targets_owned'] ?? 0), WAIT_MS),
      ),
    );
    for (const r of [b0, b1, b2]) {
      for (const a of resolved(r)) {
        const t = tOf(a);
        expect(after.get(t)).toBe(r.index);
        if (before.get(t) === r.index) expect(a.startsAt).toBe(firstFiring.get(t));
        else expect(a.startsAt).toBeGreaterThan(firstFiring.get(t)!);
      }
    }
    const all = [b0, b1, b2].flatMap((r) => resolved(r).map(tOf));
    expect(all.sort()).toEqual([...after.keys()].sort());
  }, 120_000);
});

/** The instants at which each target was scraped, by any of `replicas` (from the `up` samples). */
function scrapeTimes(replicas: readonly Replica[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const r of replicas)
    for (const s of r.sink.samples())
      if (s.labels['__name__'] === 'up')
        out.set(s.labels['t']!, [...(out.get(s.labels['t']!) ?? []), s.timestamp]);
  return out;
}

const maxGap = (times: readonly number[]): number => {
  const t = [...new Set(times)].sort((a, b) => a - b);
  return Math.max(0, ...t.slice(1).map((x, i) => x - t[i]!));
};

const tOf = (a: Alert): string => a.labels['t'] ?? '?';

/** Which replica scraped each target in its latest poll (from the `up` samples in its sink). */
function ownersOf(replicas: readonly Replica[]): Map<string, number> {
  const owner = new Map<string, number>();
  for (const r of replicas) {
    const ups = r.sink.samples().filter((s) => s.labels['__name__'] === 'up');
    const last = Math.max(...ups.map((s) => s.timestamp));
    for (const s of ups) if (s.timestamp === last) owner.set(s.labels['t']!, r.index);
  }
  return owner;
}

/** The `startsAt` of each target's `Hot` alert that is firing in the replicas' latest alert states. */
function firingSince(replicas: readonly Replica[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of replicas) {
    const latest = new Map<string, Alert>();
    for (const a of r.sink.alerts()) latest.set(tOf(a), a);
    for (const [t, a] of latest) if (a.state === 'firing') out.set(t, a.startsAt);
  }
  return out;
}
