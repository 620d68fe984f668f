import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSeriesRegistry } from '@argus/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore, type Store } from '../src/index.js';
import { bitsOf, patterns, randomValue, rng } from './helpers.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'argus-store-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

interface Row {
  labels: { s: string };
  t: number;
  v: number;
  stale: boolean;
}

function fill(store: Store, seed: number): Row[] {
  const r = rng(seed);
  const rows: Row[] = [];
  const v = new Float64Array(1);
  for (let i = 0; i < 3000; i++) {
    const labels = { s: String(i % 7) };
    v[0] = randomValue(r);
    const row = { labels, t: i * 1000 - (r() < 0.1 ? 5000 : 0), v: v[0]!, stale: r() < 0.01 };
    if (store.append(row.labels, row.t, row.v, row.stale)) rows.push(row);
  }
  return rows;
}

function expectSame(a: Store, b: Store): void {
  for (let s = 0; s < 7; s++) {
    const x = a.samples({ s: String(s) }, -1e12, 1e12);
    const y = b.samples({ s: String(s) }, -1e12, 1e12);
    expect(x.timestamps.length).toBeGreaterThan(0);
    expect(Array.from(y.timestamps)).toEqual(Array.from(x.timestamps));
    expect(patterns(y.values)).toEqual(patterns(x.values));
    expect(Array.from(y.stale)).toEqual(Array.from(x.stale));
  }
}

describe('persistence', () => {
  it('round-trips random series bit-exact through a snapshot (close) and through segments (flush only)', async () => {
    for (const seed of [1, 2, 3]) {
      const dir = tempDir();
      const a = createStore({ dataDir: dir, snapshotIntervalMs: 3_600_000 });
      await a.open();
      fill(a, seed);
      await a.flush();
      const viaSegments = createStore({ dataDir: dir });
      await viaSegments.open({ log: () => {} });
      expectSame(a, viaSegments);
      await a.close();
      expect(readdirSync(dir).some((f) => f.startsWith('snapshot-'))).toBe(true);
      const viaSnapshot = createStore({ dataDir: dir });
      await viaSnapshot.open();
      expectSame(a, viaSnapshot);
      expect(viaSnapshot.stats().samples).toBe(a.stats().samples);
      expect(viaSnapshot.recoveryIssues()).toEqual([]);
    }
  });

  it('keeps findings, alerts and rollups across a restart', async () => {
    const dir = tempDir();
    const a = createStore({ dataDir: dir, retentionMs: 3_600_000 });
    await a.open();
    for (let i = 0; i < 2 * 24 * 240; i++) a.append({ g: 'x' }, i * 15_000, i % 100);
    a.recordAlerts([
      {
        labels: { alertname: 'X' },
        annotations: {},
        state: 'firing',
        startsAt: 5000,
        fingerprint: 'f',
        origin: 'o',
      },
    ]);
    a.compact();
    const before = await a.range({
      matchers: '{g="x"}',
      from: 0,
      to: 2 * 86_400_000,
      stepMs: 3_600_000,
      agg: 'max',
    });
    await a.close();
    const b = createStore({ dataDir: dir, retentionMs: 3_600_000 });
    await b.open();
    const after = await b.range({
      matchers: '{g="x"}',
      from: 0,
      to: 2 * 86_400_000,
      stepMs: 3_600_000,
      agg: 'max',
    });
    expect(Array.from(after[0]!.values)).toEqual(Array.from(before[0]!.values));
    expect(after[0]!.timestamps.length).toBe(48);
    expect(b.alerts({ from: 0, to: 10_000 })).toHaveLength(1);
  });

  it('a corrupt segment: one message naming file and offset, every valid record before and after recovered', async () => {
    const dir = tempDir();
    const a = createStore({ dataDir: dir, snapshotIntervalMs: 3_600_000 });
    await a.open();
    for (let i = 0; i < 30; i++) {
      a.append({ k: 'v' }, i * 1000, i);
      await a.flush(); // one record per sample
    }
    const seg = readdirSync(dir).find((f) => f.startsWith('segment-'))!;
    const path = join(dir, seg);
    const buf = readFileSync(path);
    const target = Math.floor(buf.length / 2);
    buf[target] = buf[target]! ^ 0xff;
    writeFileSync(path, buf);
    const messages: string[] = [];
    const b = createStore({ dataDir: dir });
    await b.open({ log: (m) => messages.push(m) });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(path);
    expect(messages[0]).toMatch(/at byte \d+/);
    const got = Array.from(b.samples({ k: 'v' }, 0, 1e9).values);
    expect(got.length).toBe(29);
    expect(got[0]).toBe(0);
    expect(got[28]).toBe(29);
  });

  it('a truncated segment tail is reported and the rest recovered', async () => {
    const dir = tempDir();
    const a = createStore({ dataDir: dir, snapshotIntervalMs: 3_600_000 });
    await a.open();
    for (let i = 0; i < 10; i++) {
      a.append({ k: 'v' }, i * 1000, i);
      await a.flush();
    }
    const seg = join(dir, readdirSync(dir).find((f) => f.startsWith('segment-'))!);
    const size = readFileSync(seg).length;
    truncateSync(seg, size - 5);
    const messages: string[] = [];
    const b = createStore({ dataDir: dir });
    await b.open({ log: (m) => messages.push(m) });
    expect(messages.join('\n')).toMatch(/truncated record at byte \d+/);
    expect(Array.from(b.samples({ k: 'v' }, 0, 1e9).values)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(bitsOf(b.samples({ k: 'v' }, 0, 1e9).values[8]!)).toBe(bitsOf(8));
  });

  it('removes a snapshot left half-written by a crash and keeps the segments it would have replaced', async () => {
    const dir = tempDir();
    const a = createStore({ dataDir: dir, snapshotIntervalMs: 3_600_000 });
    await a.open();
    a.append({ k: 'v' }, 1000, 1);
    await a.flush();
    writeFileSync(join(dir, 'snapshot-00000000.tmp'), 'garbage');
    const b = createStore({ dataDir: dir });
    await b.open();
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(Array.from(b.samples({ k: 'v' }, 0, 1e9).values)).toEqual([1]);
  });

  it('a finding judged later replaces its first record, in memory and after a restart', async () => {
    const dir = tempDir();
    const reg = createSeriesRegistry();
    const id = reg.intern({ job: 'api' });
    const base = {
      id: 'f1',
      series: id,
      timestamp: 5000,
      value: 9,
      score: 0.5,
      kind: 'spike',
      detector: 'd',
      explanation: 'x',
    } as const;
    const a = createStore({ dataDir: dir, snapshotIntervalMs: 3_600_000 });
    await a.open();
    a.recordFindings([base], reg);
    a.recordFindings(
      [{ ...base, score: 0.9, verdicts: [{ detector: 'llm', confirmed: true, at: 6000 }] }],
      reg,
    );
    const check = (s: Store) => {
      const got = s.findings({ from: 0, to: 1e9, matchers: '{job="api"}' });
      expect(got).toHaveLength(1);
      expect(got[0]).toMatchObject({ id: 'f1', score: 0.9, labels: { job: 'api' } });
      expect(got[0]!.verdicts?.[0]?.confirmed).toBe(true);
    };
    check(a);
    await a.flush();
    const viaSegments = createStore({ dataDir: dir });
    await viaSegments.open();
    check(viaSegments);
  });
});
