import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeClock } from '@argus/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore } from '../src/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'argus-store-timers-'));
  dirs.push(d);
  return d;
}
const segmentBytes = (dir: string): number =>
  readdirSync(dir)
    .filter((f) => f.startsWith('segment-'))
    .reduce((n, f) => n + statSync(join(dir, f)).size, 0);
const snapshots = (dir: string): string[] => readdirSync(dir).filter((f) => /^snapshot-\d+\.bin$/.test(f));

describe('store timers run on the injected clock', () => {
  it('flushes the segment when the fake clock passes flushIntervalMs, not before', async () => {
    const dir = tempDir();
    const clock = fakeClock({ now: 0 });
    const store = createStore({ dataDir: dir, flushIntervalMs: 1_000, snapshotIntervalMs: 60_000, clock });
    await store.open();
    const before = segmentBytes(dir);
    store.append({ s: 'a' }, 1_000, 1);
    clock.advance(999);
    expect(segmentBytes(dir)).toBe(before);
    clock.advance(1);
    expect(segmentBytes(dir)).toBeGreaterThan(before);
    // the timer re-arms itself: a second sample is flushed one period later
    const once = segmentBytes(dir);
    store.append({ s: 'a' }, 2_000, 2);
    clock.advance(1_000);
    expect(segmentBytes(dir)).toBeGreaterThan(once);
    await store.close();
    expect(clock.pending()).toBe(0);
  });

  it('writes a snapshot each snapshotIntervalMs of the fake clock', async () => {
    const dir = tempDir();
    const clock = fakeClock({ now: 0 });
    const store = createStore({ dataDir: dir, flushIntervalMs: 1_000, snapshotIntervalMs: 10_000, clock });
    await store.open();
    store.append({ s: 'a' }, 1_000, 1);
    clock.advance(9_999);
    expect(snapshots(dir)).toEqual([]);
    clock.advance(1);
    expect(snapshots(dir)).toHaveLength(1);
    await store.close();
  });

  it('rejects a clock that is not one, naming the field', () => {
    expect(() => createStore({ clock: { now: () => 0 } as never })).toThrow(/clock/);
  });
});
