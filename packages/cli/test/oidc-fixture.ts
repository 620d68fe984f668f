// Shared by the CLI's OIDC tests (`argus run`, `serve --api`): the local provider process (the server package's
// fixture), a browser's login through it, and a config with one synthetic source and a `server:` block.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { expect } from 'vitest';

/** Starts the provider process whose tokens carry `user` and `groups`; resolves with it and its issuer URL. */
export async function startOidcProvider(
  user: string,
  groups: readonly string[],
): Promise<{ process: ChildProcess; issuer: string }> {
  const script = join(import.meta.dirname, '..', '..', 'server', 'test', 'fixtures', 'oidc-provider.mjs');
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ARGUS_OIDC_USER: user, ARGUS_OIDC_GROUPS: groups.join(',') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  return { process: child, issuer: chunk.toString().trim() };
}

/**
 * What a browser does to log in at the Argus server on `base` through the provider at `issuer` (client `argus`):
 * /api/oidc/login redirects to the provider's authorize endpoint with PKCE, which redirects back to the callback,
 * which starts a session. Resolves with the session cookie (`name=value`).
 */
export async function oidcBrowserLogin(base: string, issuer: string): Promise<string> {
  const start = await fetch(`${base}/api/oidc/login`, { redirect: 'manual' });
  expect(start.status).toBe(302);
  const authorize = new URL(start.headers.get('location')!);
  expect(authorize.origin).toBe(new URL(issuer).origin);
  expect(authorize.searchParams.get('client_id')).toBe('argus');
  expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
  const back = await fetch(authorize, { redirect: 'manual' });
  expect(back.status).toBe(302);
  const done = await fetch(back.headers.get('location')!, { redirect: 'manual' });
  expect(done.status).toBe(302);
  return done.headers.get('set-cookie')!.split(';')[0]!;
}

/**
 * A config with one synthetic source, its data in `dataDir`, and a server on 127.0.0.1:`port` (no UI) whose
 * `server:` block gets the extra `lines` (YAML, indented two spaces), e.g. `auth:\n    oidc: {…}`.
 */
export function syntheticConfig(dataDir: string, port: number, lines: string): string {
  return `sources:
  - use: synthetic
    intervalMs: 1000
    options:
      name: workload
      series:
        - labels: { __name__: queue_depth }
          base: 20
pipeline:
  dataDir: ${JSON.stringify(dataDir)}
server:
  listen: 127.0.0.1:${port}
  ui: false
  ${lines}
`;
}
