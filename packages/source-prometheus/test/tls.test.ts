import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithBinary } from '@argus/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPrometheusClient, type PrometheusApiError } from '../src/index.js';

// A throwaway CA-less self-signed certificate for 127.0.0.1, made per run so it never expires in the repo.
function selfSigned(): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'argus-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return {
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// in CI a missing openssl fails this block; elsewhere it is skipped with the install hint
describeWithBinary(
  [{ bin: 'openssl', pkg: 'openssl' }],
  'createPrometheusClient over TLS (openssl makes the certificate)',
  () => {
    let server: Server;
    let url = '';
    let pem: { cert: string; key: string };
    const auth: (string | undefined)[] = [];
    beforeAll(async () => {
      pem = selfSigned();
      server = createServer(pem, (req, res) => {
        auth.push(req.headers.authorization);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            status: 'success',
            data: { resultType: 'vector', result: [{ metric: { a: 'b' }, value: [1, '2'] }] },
          }),
        );
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it('trusts the server through tls.ca and sends the bearer token', async () => {
      const client = createPrometheusClient({
        endpoint: url,
        tls: { ca: pem.cert },
        auth: { type: 'bearer', token: 't0k' },
      });
      expect((await client.query('up', 1)).series[0]!.values).toEqual([2]);
      expect(auth.at(-1)).toBe('Bearer t0k');
    });

    it('refuses an untrusted certificate with a clear network error, unless insecureSkipVerify', async () => {
      const err = (await createPrometheusClient({ endpoint: url, retries: 0 })
        .query('up', 1)
        .catch((e: unknown) => e)) as PrometheusApiError;
      expect([err.errorType, err.message]).toEqual(['network', expect.stringMatching(/SELF_SIGNED_CERT/)]);
      const insecure = createPrometheusClient({ endpoint: url, tls: { insecureSkipVerify: true } });
      expect((await insecure.query('up', 1)).series).toHaveLength(1);
    });
  },
);
