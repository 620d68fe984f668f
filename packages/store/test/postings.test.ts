// Selectors read candidates from the label index instead of testing every series: the answers must be exactly
// those of a full scan (same series, same order), for every matcher type, including the ones the index cannot
// narrow (name="", !=, !~, regexes matching ""), and after series are dropped and created again.
import { type Labels, matchesLabels, parseMatchers } from '@argus/core';
import { describe, expect, it } from 'vitest';
import { createStore } from '../src/index.js';

const HOUR = 3_600_000;
const T0 = 1_700_000_000_000;

/** A small deterministic generator (mulberry32), so a failure names a reproducible case. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = ['up', 'http_requests_total', 'node_cpu'];
const JOBS = ['api', 'db', 'web'];

function labelSets(n: number, rand: () => number): Labels[] {
  const out: Labels[] = [];
  for (let i = 0; i < n; i++) {
    const l: Record<string, string> = {
      __name__: NAMES[Math.floor(rand() * NAMES.length)]!,
      instance: `i${i}`,
    };
    // some series lack job or mode: absent labels must match name="" and name!~"x"
    if (rand() < 0.8) l.job = JOBS[Math.floor(rand() * JOBS.length)]!;
    if (rand() < 0.5) l.mode = rand() < 0.5 ? 'idle' : 'user';
    out.push(l);
  }
  return out;
}

const SELECTORS = [
  '{__name__="up"}',
  'up{job="api"}',
  'up{job=""}',
  'up{job!="api"}',
  '{job=~"api|db"}',
  '{job=~"a.*"}',
  '{job=~".*"}',
  '{job=~"|api"}',
  '{job!~"api"}',
  '{mode="idle",job=~"db|web"}',
  'node_cpu{mode!~"idle",job="web"}',
  '{__name__=~"up|node_cpu",job="db"}',
  '{__name__="missing"}',
  '{job=~"nope|neither"}',
  '{instance="i7"}',
];

async function expectLikeFullScan(
  store: ReturnType<typeof createStore>,
  live: readonly Labels[],
): Promise<void> {
  for (const sel of SELECTORS) {
    const m = parseMatchers(sel);
    const want = live.filter((l) => matchesLabels(m, l));
    expect(await store.series(sel), sel).toEqual(want);
    expect(
      store.readSeries(sel, 0, Number.MAX_SAFE_INTEGER).map((s) => s.labels),
      sel,
    ).toEqual(want);
  }
}

describe('selectors through the label index', () => {
  it('return what a full scan returns, in creation order, for every matcher type', async () => {
    const store = createStore({ retentionMs: 100 * HOUR });
    const sets = labelSets(300, rng(7));
    for (const [i, l] of sets.entries()) store.append(l, T0 + i, i);
    await expectLikeFullScan(store, sets);
  });

  it('forget dropped series and list them again when they come back', async () => {
    const store = createStore({ retentionMs: HOUR, rollups: [], chunkSamples: 4 });
    const old = labelSets(40, rng(11));
    for (const l of old) for (let k = 0; k < 8; k++) store.append(l, T0 + k * 60_000, k);
    // newer series push the old ones out of retention: they are dropped
    const fresh = labelSets(30, rng(12)).map((l) => ({ ...l, instance: `n${l.instance}` }));
    for (const l of fresh) for (let k = 0; k < 8; k++) store.append(l, T0 + 3 * HOUR + k * 60_000, k);
    store.compact();
    await expectLikeFullScan(store, fresh);
    // an old series written again is a new series, listed after the fresh ones
    store.append(old[0]!, T0 + 4 * HOUR, 1);
    await expectLikeFullScan(store, [...fresh, old[0]!]);
  });
});
