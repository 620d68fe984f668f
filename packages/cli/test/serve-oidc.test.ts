// `argus serve --api --oidc-config <file>`: OIDC login on the API served over a data directory, against the local
// provider process the server's tests use (oauth2-mock-server); the browser's redirects are followed by hand.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@argus/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../src/index.js';
import { type RunningApi, startApi } from '../src/server-command.js';
import { captureIo } from './helpers.js';
import { oidcBrowserLogin, startOidcProvider } from './oidc-fixture.js';

const SECRET = 'serve-api-oidc-client-secret-0077';
let dir: string;
let api: RunningApi | undefined;
let provider: ChildProcess | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'argus-serve-oidc-'));
});
afterEach(async () => {
  await api?.stop();
  provider?.kill();
  api = provider = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const flags = (port: number, oidcConfig: string) => ({
  dataDir: join(dir, 'data'),
  retentionMs: 86_400_000,
  listen: `127.0.0.1:${port}`,
  ui: false,
  oidcConfig,
});

/** Writes the OIDC file (YAML lines) and returns its path. */
function oidcFile(lines: string[]): string {
  const file = join(dir, 'oidc.yaml');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

describe('argus serve --api --oidc-config', () => {
  it('logs in through the provider with PKCE and the mapped role; the client secret is never shown', {
    timeout: 60_000,
  }, async () => {
    const started = await startOidcProvider('erin', ['staff', 'sre-admins']);
    provider = started.process;
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const file = oidcFile([
      `issuer: ${started.issuer}`,
      'clientId: argus',
      'clientSecretEnv: ARGUS_TEST_OIDC_SECRET',
      `redirectUri: ${base}/api/oidc/callback`,
      'roles: { sre-admins: admin, staff: viewer }',
    ]);
    const io = captureIo();
    api = await startApi(flags(port, file), io, { ARGUS_TEST_OIDC_SECRET: SECRET });

    const cookie = await oidcBrowserLogin(base, started.issuer);
    const session = await fetch(`${base}/api/session`, { headers: { cookie } });
    // staff (viewer) and sre-admins (admin): the strongest wins
    expect(await session.json()).toMatchObject({ user: 'erin', role: 'admin', via: 'session' });
    // an admin session reads the audit log, where the OIDC login is recorded; the secret is in no response
    await api.app.argus.flushed();
    const audit = await fetch(`${base}/api/audit`, { headers: { cookie } });
    expect(audit.status).toBe(200);
    const text = await audit.text();
    expect(text).toContain('erin');
    expect(text).not.toContain(SECRET);
    expect(io.err + io.out).not.toContain(SECRET);
  });

  it('a bad file fails the start naming the flag, the field and the fix, before anything listens', async () => {
    const port = await freePort();
    const issuer = 'issuer: https://idp.example';
    const redirect = 'redirectUri: https://argus.example/api/oidc/callback';
    const start = (file: string) => startApi(flags(port, file), captureIo(), {});
    await expect(start(join(dir, 'none.yaml'))).rejects.toThrow(
      /^--oidc-config .*none\.yaml: cannot read it \(ENOENT\)/,
    );
    await expect(start(oidcFile([issuer, 'clientId: argus', redirect]))).rejects.toThrow(
      /^--oidc-config .*oidc\.yaml: 1:1 roles: /,
    );
    await expect(
      start(oidcFile([issuer, 'clientId: argus', redirect, 'roles: { ops: root }'])),
    ).rejects.toThrow(/4:\d+ roles\.ops: /);
    await expect(
      start(oidcFile([issuer, 'clientId: argus', 'clientSecret: inline', redirect, 'roles: { ops: admin }'])),
    ).rejects.toThrow(
      /3:\d+ clientSecret: the secret is never written in the file .*clientSecretEnv.*clientSecretFile/,
    );
    await expect(
      start(
        oidcFile([
          issuer,
          'clientId: argus',
          'clientSecretEnv: NO_SUCH_VAR',
          redirect,
          'roles: { ops: admin }',
        ]),
      ),
    ).rejects.toThrow(/clientSecretEnv: set the environment variable NO_SUCH_VAR/);
    // nothing was left listening
    await expect(fetch(`http://127.0.0.1:${port}/api/health`)).rejects.toThrow();
  });

  it('--oidc-config without --api is a usage error', async () => {
    const io = captureIo();
    expect(await main(['serve', '--data-dir', dir, '--oidc-config', 'oidc.yaml'], io)).toBe(2);
    expect(io.err).toContain('--oidc-config logs in to the Argus API: add --api');
  });
});
