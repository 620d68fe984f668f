import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary } from './binary.js';

/**
 * A throwaway self-signed certificate for 127.0.0.1 (PEM), made by openssl per call so none expires in a repo.
 * Trust it with `ca: cert`. Throws when openssl is missing (guard the test with `describeWithBinary`).
 * @example
 * const { cert, key } = selfSignedCert();
 * https.createServer({ cert, key }, handler);
 */
export function selfSignedCert(): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'argus-cert-'));
  const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
  try {
    const curve = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
    const subject = ['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'];
    const openssl = findBinary('openssl');
    if (!openssl) throw new Error('selfSignedCert: openssl not found; install the Debian package openssl');
    execFileSync(
      openssl,
      ['req', '-x509', ...curve, '-nodes', '-days', '1', ...subject, '-keyout', key, '-out', cert],
      { stdio: 'ignore' },
    );
    return { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
