#!/usr/bin/env node
// Lints every publishable package as a consumer would install it: publint (package.json, exports, files)
// and attw --pack (types resolve for ESM and CJS consumers under node10/node16/bundler resolution).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const bin = (name) => join(root, 'node_modules', '.bin', name);
let failed = 0;
const hasSubpath = (pkg) => Object.keys(pkg.exports ?? {}).some((k) => k !== '.' && k !== './package.json');
for (const dir of readdirSync(join(root, 'packages')).sort()) {
  const pkgDir = join(root, 'packages', dir);
  const manifest = join(pkgDir, 'package.json');
  if (!existsSync(manifest)) continue;
  const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
  if (pkg.private) continue;
  for (const [tool, args] of [
    ['publint', ['--strict', pkgDir]],
    // node10 resolution has no `exports`: a bin or a subpath entry (`./testing`) cannot resolve there, and
    // every package needs Node >= 20 anyway
    [
      'attw',
      ['--pack', pkgDir, '--format', 'ascii', ...(pkg.bin || hasSubpath(pkg) ? ['--profile', 'node16'] : [])],
    ],
  ]) {
    try {
      execFileSync(bin(tool), args, { cwd: root, stdio: 'pipe', encoding: 'utf8' });
    } catch (err) {
      failed++;
      console.error(
        `check-packages: ${tool} found problems in ${pkg.name}:\n${err.stdout ?? ''}${err.stderr ?? ''}`,
      );
    }
  }
}
if (failed > 0) process.exit(1);
console.log('check-packages: publint and attw are clean for every package');
