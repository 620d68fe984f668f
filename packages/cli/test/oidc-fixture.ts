// Shared by the spawned `argus run` tests with OIDC: the local provider process (the server package's fixture)
// and a config with one synthetic source and a `server:` block.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

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
