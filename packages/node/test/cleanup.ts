import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { settle } from '@argus/testkit';
import { afterAll, afterEach } from 'vitest';
import type { ArgusHandle } from '../src/index.js';

/**
 * Per test file: `tmp()` makes a directory removed after the file, and every handle pushed to `handles` is
 * stopped after each test (then `after` runs, e.g. to restore mocks).
 */
export function cleanup(after?: () => void): { tmp: () => string; handles: ArgusHandle[] } {
  const dirs: string[] = [];
  const handles: ArgusHandle[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  afterEach(async () => {
    for (const h of handles.splice(0)) await h.stop();
    after?.();
  });
  const tmp = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'argus-node-'));
    dirs.push(d);
    return d;
  };
  return { tmp, handles };
}

/**
 * Lets what a read started (poll → graph → sinks) finish before fake time moves on: promise turns, then real
 * file I/O (the alert manager's journal, the state store) until every sink has written what it was given.
 */
export async function drain(argus?: ArgusHandle): Promise<void> {
  for (let i = 0; i < 20; i++) await settle();
  const idle = (): boolean =>
    Object.values(argus!.pipeline.stats().plugins)
      .filter((s) => s.kind === 'sink')
      .every((s) => s.queueDepth === 0 && s.received === s.sent + s.dropped + s.errors);
  for (let i = 0; argus && i < 100_000 && !idle(); i++) await settle();
}
