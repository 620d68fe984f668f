// What every publishable package needs to install as published, checked without a registry (the publish
// integration test installs them for real): the LICENSE it declares, in its files, and a build before packing.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = new URL('..', import.meta.url).pathname;
const license = readFileSync(join(repo, 'LICENSE'), 'utf8');
const packages = readdirSync(join(repo, 'packages'))
  .map((dir) => join(repo, 'packages', dir))
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }));

describe('packaging', () => {
  it('the root LICENSE is the Apache License 2.0 the packages declare', () => {
    expect(license).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/);
    expect(license).toMatch(/END OF TERMS AND CONDITIONS/);
  });

  // the template too, so a package copied from it starts right
  it.each(packages.map((p) => [p.pkg.name, p] as const))(
    '%s ships that LICENSE and builds before packing',
    (_n, p) => {
      expect(p.pkg.license).toBe('Apache-2.0');
      expect(readFileSync(join(p.dir, 'LICENSE'), 'utf8')).toBe(license);
      expect(p.pkg.files).toContain('LICENSE');
      expect(p.pkg.files).toContain('dist');
      // builds the package and the workspace packages it depends on, if their dist is stale (scripts/build-stale.mjs)
      expect(p.pkg.scripts.prepack).toBe('node ../../scripts/build-stale.mjs .');
    },
  );
});
