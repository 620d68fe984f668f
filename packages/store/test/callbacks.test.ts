import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeClock } from '@argus/testkit';
import { describe, expect, it } from 'vitest';
import { createStore } from '../src/index.js';

describe("the store's log callback", () => {
  it('a log that throws, called from the snapshot timer, never reaches the host', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'argus-store-log-'));
    const clock = fakeClock();
    const store = createStore({ dataDir: dir, snapshotIntervalMs: 60_000, clock });
    const said: string[] = [];
    await store.open({
      log: (m) => {
        said.push(m);
        throw new Error('log sink down');
      },
    });
    store.append({ __name__: 'up' }, 1000, 1);
    rmSync(dir, { recursive: true, force: true }); // the next snapshot fails: its directory is gone
    expect(() => clock.advance(60_000)).not.toThrow();
    expect(said.some((m) => /snapshot in .* failed/.test(m))).toBe(true);
    await store.close().catch(() => {});
  });
});
