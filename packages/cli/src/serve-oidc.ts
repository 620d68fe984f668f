// `argus serve --api --oidc-config <file>`: OIDC login for the API served over a data directory. The file holds the
// fields of a config's `server.auth.oidc` block (the same schema, the client secret from an env var or a file,
// never inline), so a block moves between `argus run`'s config and `serve --api` unchanged.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { OidcOptions } from '@argus/server';
import { oidcSettingsSchema } from './config/server-schema.js';
import { parseYaml } from './config/yaml.js';
import { oidcOptions } from './oidc-settings.js';

/**
 * Reads and checks the OIDC file; throws one message naming the flag, the file, the line of each bad field and
 * the fix. `env` holds the variable `clientSecretEnv` names.
 */
export function readOidcConfig(file: string, env: NodeJS.ProcessEnv = process.env): OidcOptions {
  const path = resolve(file);
  const fail = (what: string): never => {
    throw new Error(`--oidc-config ${path}: ${what}`);
  };
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    fail(
      `cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): give a YAML file with the fields of server.auth.oidc (issuer, clientId, redirectUri, roles, …)`,
    );
  }
  const parsed = parseYaml(text);
  if ('errors' in parsed)
    return fail(
      parsed.errors
        .map((e) => `${e.position ? `${e.position.line}:${e.position.col} ` : ''}${e.message}`)
        .join('; '),
    );
  const data = parsed.data ?? {};
  if (typeof data === 'object' && 'clientSecret' in data) {
    const at = parsed.locate(['clientSecret']);
    fail(
      `${at ? `${at.line}:${at.col} ` : ''}clientSecret: the secret is never written in the file (it could be committed or shown): name an environment variable with clientSecretEnv, or a file with clientSecretFile`,
    );
  }
  const checked = oidcSettingsSchema.safeParse(data);
  if (!checked.success)
    return fail(
      checked.error.issues
        .map((i) => {
          const at = parsed.locate(i.path as (string | number)[]);
          return `${at ? `${at.line}:${at.col} ` : ''}${i.path.join('.') || '(the file)'}: ${i.message}`;
        })
        .join('; '),
    );
  const read = oidcOptions(checked.data, dirname(path), env);
  if ('problem' in read) return fail(`${read.problem.path.at(-1)}: ${read.problem.message}`);
  return read.options;
}
