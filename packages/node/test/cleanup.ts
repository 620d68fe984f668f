import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
