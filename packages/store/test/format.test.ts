import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore } from '../src/index.js';
import { frame } from '../src/persist/frame.js';
import { jsonRecord, REC } from '../src/persist/records.js';

// a data directory written by @argus/store 1.0 (test/fixtures/make-store-v1.mjs): a snapshot and a segment after it
const FIXTURE = new URL('./fixtures/store-v1/', import.meta.url).pathname;
const FIXTURE_FILES = new Set(readdirSync(FIXTURE));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function copyOfFixture(): string {
  const d = mkdtempSync(join(tmpdir(), 'argus-store-v1-'));
  dirs.push(d);
  cpSync(FIXTURE, d, { recursive: true });
  return d;
}

const open = async (dir: string) => {
  const s = createStore({ dataDir: dir, retentionMs: 30 * 86_400_000 });
  await s.open();
  return s;
};

describe('store data format versions', () => {
  it('reads the directory the 1.0 release wrote, then writes versioned files it reads back', async () => {
    const dir = copyOfFixture();
    const s = await open(dir);
    expect(s.recoveryIssues()).toEqual([]);
    const a = s.samples({ __name__: 'up', job: 'node', instance: 'a' }, 0, 1e13);
    const b = s.samples({ __name__: 'up', job: 'node', instance: 'b' }, 0, 1e13);
    expect([a.timestamps.length, b.timestamps.length]).toEqual([884, 864]);
    expect([a.values[0], a.values[10], a.values[863], a.values[883]]).toEqual([0, 3, 863 % 7, 1]);
    expect(b.values[15]).toBe(0.4);
    expect(s.alerts({ from: 0, to: 1e13 }).map((x) => x.alert.state)).toEqual(['firing', 'resolved']);
    await s.close();
    // closed by this release: the new snapshot carries the format record, and reads back the same
    for (const f of readdirSync(dir).filter((n) => /^(snapshot|segment)-/.test(n))) {
      const bytes = readFileSync(join(dir, f));
      // every non-empty file this release wrote opens with the format record (after the 12-byte frame header)
      if (bytes.length > 0 && !FIXTURE_FILES.has(f)) expect([f, bytes[12]]).toEqual([f, REC.format]);
    }
    const again = await open(dir);
    expect(again.recoveryIssues()).toEqual([]);
    expect(again.samples({ __name__: 'up', job: 'node', instance: 'a' }, 0, 1e13).timestamps.length).toBe(
      884,
    );
    await again.close();
  });

  it('refuses a file of a newer format with ERR_FORMAT_VERSION naming both versions', async () => {
    const dir = copyOfFixture();
    const segment = readdirSync(dir)
      .filter((f) => f.startsWith('segment-'))
      .sort()
      .at(-1)!;
    appendFileSync(join(dir, segment), frame(jsonRecord(REC.format, { version: 2 })));
    const err = await open(dir).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_FORMAT_VERSION' });
    expect((err as Error).message).toMatch(
      new RegExp(
        `${segment} is data format 2, written by a newer @argus/store; this one reads formats up to 1`,
      ),
    );
  });
});
