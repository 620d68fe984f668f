import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { describe, it } from 'vitest';

// Debian installs some servers (nats-server) in sbin, which a non-root PATH may lack.
const EXTRA_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/** The absolute path of an executable named `name` on PATH (or in sbin), or `undefined`. */
export function findBinary(name: string): string | undefined {
  const candidates = isAbsolute(name)
    ? [name]
    : [...(process.env['PATH'] ?? '').split(delimiter), ...EXTRA_DIRS]
        .filter(Boolean)
        .map((d) => join(d, name));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // not here; try the next directory
    }
  }
  return undefined;
}

/** How to install a missing binary, as one line. */
export function installHint(name: string, debianPackage: string): string {
  return `${name} was not found on PATH; install it with: apt-get install -y ${debianPackage}`;
}

/** An error naming the missing binary and the package that provides it (code `ERR_BINARY_MISSING`). */
export function missingBinaryError(name: string, debianPackage: string): Error & { code: string } {
  return Object.assign(new Error(installHint(name, debianPackage)), { code: 'ERR_BINARY_MISSING' });
}

/** Whether `name` is installed. `debianPackage` is the package to name in messages when it is not. */
export function requireBinary(name: string, _debianPackage: string): boolean {
  return findBinary(name) !== undefined;
}

/** A binary a test needs and the Debian package that provides it. */
export interface BinaryRequirement {
  readonly bin: string;
  readonly pkg: string;
}

/**
 * `describe` when every binary is installed. When one is missing: in CI (`CI=true`) the block registers one
 * failing test naming the package, since in CI a missing binary is a failure and never a silent skip; outside CI
 * the block is skipped, its title saying what to install.
 * @example
 * describeWithBinary([{ bin: 'prometheus', pkg: 'prometheus' }], 'prometheus source', () => { … });
 */
export function describeWithBinary(
  binaries: readonly BinaryRequirement[],
  name: string,
  fn: () => void,
): void {
  const missing = binaries.filter((b) => findBinary(b.bin) === undefined);
  if (missing.length === 0) {
    describe(name, fn);
    return;
  }
  const hint = missing.map((b) => installHint(b.bin, b.pkg)).join('; ');
  if (process.env['CI'] === 'true') {
    describe(name, () => {
      it('has the server binaries it needs', () => {
        throw new Error(`missing in CI: ${hint}`);
      });
    });
    return;
  }
  describe.skip(`${name} (skipped: ${hint})`, fn);
}
