import { generate } from 'selfsigned';

/** A self-signed certificate for 127.0.0.1, made at test time; `cert` is what clients must trust. */
export interface TestCert {
  readonly cert: string;
  readonly key: string;
}

let cached: Promise<TestCert> | undefined;

/** Generates (once per process) a certificate valid for IP 127.0.0.1 and DNS localhost. */
export function testCert(): Promise<TestCert> {
  cached ??= generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: false },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  }).then((p) => ({ cert: p.cert, key: p.private }));
  return cached;
}
