// Where the SNS notifier's AWS credentials come from, as Alertmanager's `sigv4` block resolves them through the
// AWS SDK: static keys, a named profile of the shared credentials file, the environment, and on top of any of
// them a role assumed with STS AssumeRole (temporary credentials, refreshed before they expire).
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { type HttpClient, type NotifyResult, postJson } from '@argus/alerting';
import { type AwsCredentials, signV4 } from './sigv4.js';

/** The `[profile]` section of an AWS shared credentials file (INI: `key = value`, `#`/`;` comments). */
export function profileCredentials(text: string, profile: string): AwsCredentials | undefined {
  let section: string | undefined;
  const kv: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const head = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
    if (head) {
      section = head[1];
      continue;
    }
    const eq = line.indexOf('=');
    if (section === profile && eq > 0) kv[line.slice(0, eq).trim().toLowerCase()] = line.slice(eq + 1).trim();
  }
  const accessKey = kv['aws_access_key_id'];
  const secretKey = kv['aws_secret_access_key'];
  if (!accessKey || !secretKey) return undefined;
  const token = kv['aws_session_token'];
  return { accessKey, secretKey, ...(token ? { sessionToken: token } : {}) };
}

/** `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`, as the AWS SDKs look for it. */
export function sharedCredentialsPath(env: NodeJS.ProcessEnv = process.env): string {
  return env['AWS_SHARED_CREDENTIALS_FILE'] || join(homedir(), '.aws', 'credentials');
}

/** Reads `profile` from the shared credentials file now (a rotated file is read again at the next send). */
export function readProfile(profile: string, env: NodeJS.ProcessEnv = process.env): AwsCredentials {
  const path = sharedCredentialsPath(env);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(
      `sigv4.profile "${profile}": cannot read ${path} (${(err as NodeJS.ErrnoException).code}); set AWS_SHARED_CREDENTIALS_FILE or give access_key and secret_key`,
    );
  }
  const c = profileCredentials(text, profile);
  if (!c)
    throw new Error(
      `sigv4.profile "${profile}": no aws_access_key_id and aws_secret_access_key in [${profile}] of ${path}`,
    );
  return c;
}

/** What {@link assumeRole} takes. */
export interface AssumeRoleOptions {
  roleArn: string;
  /** The STS query endpoint. */
  url: string;
  /** The region the request is signed for. */
  region: string;
  /** The credentials that call AssumeRole. */
  base: () => AwsCredentials;
  now: () => number;
}

/**
 * A cache of a role's temporary credentials, fetched with STS AssumeRole (15 minutes, as the AWS SDK asks) and
 * fetched again 1 minute before they expire. A failed call comes back as the failed result, retryable or not
 * by its status, as every request of a notifier.
 */
export function assumeRole(o: AssumeRoleOptions) {
  let cached: { creds: AwsCredentials; refreshAt: number } | undefined;
  return async (
    signal: AbortSignal,
    http: HttpClient | undefined,
  ): Promise<AwsCredentials | NotifyResult> => {
    if (cached && o.now() < cached.refreshAt) return cached.creds;
    const params = new URLSearchParams({
      Action: 'AssumeRole',
      Version: '2011-06-15',
      RoleArn: o.roleArn,
      // The AWS SDK's default session name: the time in nanoseconds.
      RoleSessionName: `${o.now()}000000`,
      DurationSeconds: '900',
    });
    params.sort();
    const body = params.toString();
    const contentType = 'application/x-www-form-urlencoded; charset=utf-8';
    const at = new Date(o.now());
    const req = { method: 'POST', url: o.url, body, region: o.region, service: 'sts', at };
    const headers = signV4({ ...req, headers: { 'content-type': contentType } }, o.base());
    const res = await postJson({ url: o.url, body, contentType, headers, signal, http, what: 'sns (sts)' });
    if (!res.ok) return res;
    const tag = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(res.body ?? '')?.[1];
    const accessKey = tag('AccessKeyId');
    const secretKey = tag('SecretAccessKey');
    const sessionToken = tag('SessionToken');
    const expiration = Date.parse(tag('Expiration') ?? '');
    if (!accessKey || !secretKey || !sessionToken)
      return {
        ok: false,
        retryable: true,
        error: new Error(`sns (sts): AssumeRole for ${o.roleArn} returned no credentials`),
      };
    const creds = { accessKey, secretKey, sessionToken };
    cached = {
      creds,
      refreshAt: Number.isNaN(expiration) ? o.now() + 840_000 : expiration - 60_000,
    };
    return creds;
  };
}
