// `argus serve --api --tls-cert --tls-key`: HTTPS with a self-signed certificate openssl makes for 127.0.0.1.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithBinary, selfSignedCert } from '@argus/testkit';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { type RunningApi, startApi } from '../src/server-command.js';
import { captureIo } from './helpers.js';

let dir: string;
let api: RunningApi | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'argus-serve-tls-'));
});
afterEach(async () => {
  await api?.stop();
  api = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const flags = (tls: { tlsCert?: string; tlsKey?: string }) => ({
  dataDir: join(dir, 'data'),
  retentionMs: 86_400_000,
  listen: '127.0.0.1:0',
  ...tls,
});

describeWithBinary([{ bin: 'openssl', pkg: 'openssl' }], 'serve --api over TLS', () => {
  it('serves HTTPS with the given certificate and key', async () => {
    const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
    const pem = selfSignedCert();
    writeFileSync(cert, pem.cert);
    writeFileSync(key, pem.key);
    api = await startApi(flags({ tlsCert: cert, tlsKey: key }), captureIo());
    expect(api.url).toMatch(/^https:\/\//);
    const status = await new Promise<number>((ok, fail) =>
      get(`${api!.url}/-/healthy`, { ca: readFileSync(cert) }, (res) => {
        res.resume();
        ok(res.statusCode!);
      }).on('error', fail),
    );
    expect(status).toBe(200);
  });

  it('refuses a certificate without a key before starting anything', async () => {
    await expect(startApi(flags({ tlsCert: join(dir, 'cert.pem') }), captureIo())).rejects.toThrow(
      /--tls-cert and --tls-key go together/,
    );
  });
});
