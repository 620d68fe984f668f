// Debian's chromium for the browser tests: where it is, the flags it runs with, and CI's rule that a missing one fails.
import { existsSync } from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';
// flags checked on Debian's chromium 156 (no sandbox as root, no network beyond loopback)
export const FLAGS: string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Whether chromium is here; throws under CI=true when it is not (CI installs it), warns otherwise. */
export function haveChromium(what: string): boolean {
  const have = existsSync(CHROMIUM);
  if (!have && process.env.CI === 'true')
    throw new Error(
      `${CHROMIUM} is missing: CI needs it (scripts/ensure-binaries.mjs installs Debian's chromium)`,
    );
  if (!have) console.warn(`${what} skipped: no ${CHROMIUM} (apt-get install chromium)`);
  return have;
}
