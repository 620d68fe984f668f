// `server.auth.oidc` in a config: `argus run` (the built CLI, spawned) serves OIDC login against a local provider
// process (oauth2-mock-server, the server package's fixture); the browser's redirects are followed by hand.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@argus/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../src/index.js';
import { captureIo } from './helpers.js';
import { oidcBrowserLogin, startOidcProvider, syntheticConfig } from './oidc-fixture.js';
import { login, type Spawned, spawnCli } from './spawned.js';

const SECRET = 'oidc-client-secret-from-a-file-0042';
let dir: string;
let proc: Spawned | undefined;
let provider: ChildProcess | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'argus-oidc-'));
});
afterEach(() => {
  proc?.kill();
  provider?.kill();
  proc = provider = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** Starts the provider process whose tokens carry `user` and `groups`; resolves with its issuer URL. */
async function startProvider(user: string, groups: string[]): Promise<string> {
  const started = await startOidcProvider(user, groups);
  provider = started.process;
  return started.issuer;
}

/** A config with one synthetic source and a server: block whose auth has `oidc` (YAML flow mapping). */
function config(port: number, oidc: string): string {
  return syntheticConfig(join(dir, 'data'), port, `auth:\n    oidc: ${oidc}`);
}

const roles = 'roles: { sre-admins: admin, sre: operator, staff: viewer }';

describe('argus run: OIDC login from the config (server.auth.oidc)', () => {
  it('logs in through the provider with PKCE and the mapped role; the client secret is never shown', {
    timeout: 90_000,
  }, async () => {
    const issuer = await startProvider('dana', ['staff', 'sre']);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    writeFileSync(join(dir, 'oidc-secret'), `${SECRET}\n`);
    const file = join(dir, 'argus.yaml');
    writeFileSync(
      file,
      config(
        port,
        `{ issuer: ${JSON.stringify(issuer)}, clientId: argus, clientSecretFile: oidc-secret, redirectUri: ${JSON.stringify(`${base}/api/oidc/callback`)}, ${roles} }`,
      ),
    );
    proc = spawnCli(['run', file]);
    await proc.waitFor(/API on (http:\/\/127\.0\.0\.1:\d+)\//);
    const [, password] = await proc.waitFor(/one-time password (\S+)/);

    const cookie = await oidcBrowserLogin(base, issuer);
    const session = await fetch(`${base}/api/session`, { headers: { cookie } });
    // groups staff (viewer) and sre (operator): the strongest wins
    expect(await session.json()).toMatchObject({ user: 'dana', role: 'operator', via: 'session' });
    // an operator is not an admin: the config is for admins only
    expect((await fetch(`${base}/api/config`, { headers: { cookie } })).status).toBe(403);

    const admin = await login(base, 'admin', password!);
    const shown = await fetch(`${base}/api/config`, { headers: { cookie: admin.cookie } });
    expect(shown.status).toBe(200);
    const text = await shown.text();
    // the block is shown (its secret-looking keys redacted by name), the secret's value nowhere
    expect(JSON.parse(text).config.server.auth.oidc).toMatchObject({
      clientId: 'argus',
      roles: { sre: 'operator' },
    });
    expect(text).not.toContain(SECRET);
    // auth (oidc included) needs a restart: a reload that changes the role map is refused, the running one stays
    writeFileSync(file, readFileSync(file, 'utf8').replace('sre: operator', 'sre: admin'));
    const reload = await fetch(`${base}/-/reload`, {
      method: 'POST',
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
    });
    expect(reload.status).toBe(400);
    expect(await reload.text()).toMatch(/auth .*need a restart/);
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
    expect(proc.output()).not.toContain(SECRET);
  });

  it('a secret env var that is not set, or an unreadable secret file, is a located problem naming the field', {
    timeout: 30_000,
  }, async () => {
    const file = join(dir, 'argus.yaml');
    const oidc = (secret: string) =>
      `{ issuer: "https://idp.example", clientId: argus, ${secret}, redirectUri: "https://argus.example/api/oidc/callback", ${roles} }`;
    writeFileSync(file, config(9093, oidc('clientSecretEnv: ARGUS_TEST_NO_SUCH_OIDC_SECRET')));
    const io = captureIo();
    expect(await main(['validate', file], io)).toBe(1);
    expect(io.err).toMatch(
      /argus\.yaml:\d+:\d+ server\.auth\.oidc\.clientSecretEnv: set the environment variable ARGUS_TEST_NO_SUCH_OIDC_SECRET/,
    );
    writeFileSync(file, config(9093, oidc('clientSecretFile: no-such-secret')));
    const io2 = captureIo();
    expect(await main(['validate', file], io2)).toBe(1);
    expect(io2.err).toMatch(
      /argus\.yaml:\d+:\d+ server\.auth\.oidc\.clientSecretFile: cannot read .*no-such-secret/,
    );
    // the secret is never written in the config itself
    writeFileSync(file, config(9093, oidc('clientSecret: inline-secret')));
    const io3 = captureIo();
    expect(await main(['validate', file], io3)).toBe(1);
    expect(io3.err).toMatch(/server\.auth\.oidc.*clientSecret/);
  });
});
