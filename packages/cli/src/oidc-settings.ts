// `server.auth.oidc`: the options @argus/server's OIDC login takes, with the client secret read from the
// environment or a file (never written in the config, so a config can be committed and shown in /api/config).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { OidcOptions } from '@argus/server';
import type { OidcSettings } from './config/server-schema.js';

/** A problem with one field of `server.auth.oidc`: its path below `server` and what to do. */
export interface OidcSettingProblem {
  path: string[];
  message: string;
}

/** The server's OIDC options, or the problem naming the field to fix; `dir` is the config's folder. */
export function oidcOptions(
  s: OidcSettings,
  dir: string,
  env: NodeJS.ProcessEnv = process.env,
): { options: OidcOptions } | { problem: OidcSettingProblem } {
  const { clientSecretEnv, clientSecretFile, ...rest } = s;
  const options: OidcOptions = Object.fromEntries(
    Object.entries(rest).filter(([, v]) => v !== undefined),
  ) as unknown as OidcOptions;
  if (clientSecretEnv !== undefined) {
    const secret = env[clientSecretEnv];
    if (!secret)
      return {
        problem: {
          path: ['auth', 'oidc', 'clientSecretEnv'],
          message: `set the environment variable ${clientSecretEnv} to the client secret the provider issued (or remove clientSecretEnv for a public client)`,
        },
      };
    options.clientSecret = secret;
  }
  if (clientSecretFile !== undefined) {
    const file = resolve(dir, clientSecretFile);
    let secret: string;
    try {
      secret = readFileSync(file, 'utf8').trim();
    } catch (err) {
      return {
        problem: {
          path: ['auth', 'oidc', 'clientSecretFile'],
          message: `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): write the client secret the provider issued there, or fix the path (relative to the config's folder)`,
        },
      };
    }
    if (secret === '')
      return {
        problem: {
          path: ['auth', 'oidc', 'clientSecretFile'],
          message: `${file} is empty: write the client secret the provider issued there`,
        },
      };
    options.clientSecret = secret;
  }
  return { options };
}
