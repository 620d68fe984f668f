// The checked-in API reports (etc/*.api.md) match the built declarations, so every change to a package's
// public surface shows up in review as a diff of etc/. Needs `pnpm build` first (as `pnpm test` does).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module script without declarations
import { reports, stale } from '../scripts/api-report.mjs';

const root = new URL('..', import.meta.url).pathname;

describe('API reports', () => {
  it('every publishable package has a report, and each matches the built surface (else: pnpm api:report)', () => {
    expect((reports() as [string, string][]).length).toBeGreaterThan(5);
    expect(stale()).toEqual([]);
  });

  it('no @internal member ships in a declaration file (stripInternal is on)', () => {
    for (const dir of readdirSync(join(root, 'packages'))) {
      const dist = join(root, 'packages', dir, 'dist');
      let files: string[] = [];
      try {
        files = readdirSync(dist).filter((f) => /\.d\.c?ts$/.test(f));
      } catch {
        continue;
      }
      for (const f of files)
        expect(readFileSync(join(dist, f), 'utf8'), `${dir}/dist/${f}`).not.toMatch(/@internal/);
    }
  });
});
