import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createStore } from '../src/index.js';
import { bitsOf } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const FLUSH_MS = 100;
// what the child reported this long before the kill must survive: one flush interval plus generous
// slack for a loaded machine (the child's own stdout lags its appends, which only makes this safer)
const GUARANTEE_MS = FLUSH_MS + 2900;
const payloadNaN = new Float64Array(new BigUint64Array([0x7ff00000000abcden]).buffer)[0]!;

describe('crash safety', () => {
  it('kill -9 during continuous writes: restart recovers everything but the last flush interval', async () => {
    expect(
      existsSync(join(here, '../dist/index.js')),
      'build the package first (pnpm --filter @argus/store build)',
    ).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'argus-crash-'));
    try {
      const child = spawn(process.execPath, [join(here, 'fixtures/crash-writer.mjs'), dir], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const reports: { at: number; n: number }[] = [];
      let buf = '';
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        const lines = buf.split('\n');
        buf = lines.pop()!;
        for (const l of lines) reports.push({ at: Date.now(), n: Number(l) });
      });
      // run long enough for several flushes and at least one snapshot (which deletes older segments)
      await new Promise<void>((resolve) => {
        const check = setInterval(() => {
          const snap = readdirSync(dir).some((f) => f.startsWith('snapshot-'));
          if (snap && reports.length > 0 && Date.now() - reports[0]!.at > 4500) {
            clearInterval(check);
            resolve();
          }
        }, 50);
      });
      const killedAt = Date.now();
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const guaranteed = reports.filter((r) => r.at <= killedAt - GUARANTEE_MS).at(-1)?.n ?? 0;
      expect(guaranteed).toBeGreaterThan(0);

      const store = createStore({ dataDir: dir, retentionMs: 1e13 });
      const messages: string[] = [];
      await store.open({ log: (m) => messages.push(m) });
      // the kill may cut the last write in half: at most that tail is reported
      expect(messages.length).toBeLessThanOrEqual(1);
      let recovered = 0;
      for (let s = 0; s < 10; s++) {
        const got = store.samples({ __name__: 'w', s: String(s) }, 0, 1e15);
        recovered += got.timestamps.length;
        // an exact prefix of what was written, values bit-exact (plain comparisons: a fast writer leaves
        // hundreds of thousands of samples, and an expect() per sample took longer than the test's budget)
        for (let k = 0; k < got.timestamps.length; k++) {
          const i = s + 10 * k;
          const want = i % 97 === 0 ? payloadNaN : i / 4;
          const ok =
            got.timestamps[k] === i * 1000 &&
            bitsOf(got.values[k]!) === bitsOf(want) &&
            got.stale[k] === (i % 1000 === 999 ? 1 : 0);
          if (!ok)
            expect({ k, t: got.timestamps[k], v: bitsOf(got.values[k]!), stale: got.stale[k] }).toEqual({
              k,
              t: i * 1000,
              v: bitsOf(want),
              stale: i % 1000 === 999 ? 1 : 0,
            });
        }
      }
      expect(recovered).toBeGreaterThanOrEqual(guaranteed);
      expect(store.alerts({ from: 0, to: 1e15 }).length).toBeGreaterThanOrEqual(
        Math.floor(guaranteed / 2000) - 1,
      );
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
