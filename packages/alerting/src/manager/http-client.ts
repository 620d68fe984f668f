import { readFileSync } from 'node:fs';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { isAbsolute, resolve } from 'node:path';
import type { SecureVersion } from 'node:tls';
import { httpFetch } from '@argus/core';
import { ProxyAgent, fetch as undiciFetch } from 'undici';

/**
 * TLS settings of an outgoing connection, as Prometheus's `tls_config`. Files are read when the first request
 * is made (so a config loads without I/O) and again whenever a request fails on a TLS error, so a rotated
 * certificate is picked up without a restart.
 */
export interface HttpTlsConfig {
  /** PEM file of the CAs that sign the server's certificate (replaces the system CAs, as Go does). */
  caFile?: string;
  /** Client certificate (PEM) for mutual TLS; with `keyFile`. */
  certFile?: string;
  keyFile?: string;
  /** Name checked against the server's certificate, and sent as SNI. @default the URL's host */
  serverName?: string;
  /** Accept any server certificate. Tests only. @default false */
  insecureSkipVerify?: boolean;
  /** Lowest TLS version accepted: `TLS10` … `TLS13`. @default 'TLS12' (Go's default for clients) */
  minVersion?: 'TLS10' | 'TLS11' | 'TLS12' | 'TLS13';
  /** Highest TLS version offered. @default 'TLS13' */
  maxVersion?: 'TLS10' | 'TLS11' | 'TLS12' | 'TLS13';
}

/** OAuth 2.0 client-credentials grant (RFC 6749 §4.4), as Prometheus's `oauth2`. */
export interface HttpOAuth2Config {
  clientId: string;
  clientSecret?: string;
  /** Read at each token request. */
  clientSecretFile?: string;
  tokenUrl: string;
  scopes?: readonly string[];
  /** Extra form parameters of the token request. */
  endpointParams?: Readonly<Record<string, string>>;
  /** TLS and proxy of the token request (not of the notification request). */
  tls?: HttpTlsConfig;
  proxyUrl?: string;
}

/**
 * How a notifier's HTTP requests are made: Prometheus's `http_config` (prometheus/common, as Alertmanager 0.25
 * reads it) in camelCase. At most one of `basicAuth`, `authorization`, `bearerToken*` and `oauth2`.
 */
export interface HttpClientConfig {
  basicAuth?: { username?: string; password?: string; passwordFile?: string };
  /** `Authorization: <type> <credentials>`. */
  authorization?: { type?: string; credentials?: string; credentialsFile?: string };
  /** The older form of `authorization` with type Bearer. */
  bearerToken?: string;
  bearerTokenFile?: string;
  oauth2?: HttpOAuth2Config;
  /** `http://[user:pass@]proxy:3128`: requests go through it (CONNECT tunnels). */
  proxyUrl?: string;
  tls?: HttpTlsConfig;
  /** @default true */
  followRedirects?: boolean;
}

/** `fetch` with the config's TLS, proxy and credentials applied; a notifier passes it to `postJson` as `http`. */
export interface HttpClient {
  fetch(url: string, init: RequestInit): Promise<Response>;
  /** Closes pooled connections. */
  close(): Promise<void>;
}

const TLS_VERSION = { TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' } as const;

/**
 * A request that could not be made because of the client's own configuration (an unreadable secret or TLS file, a
 * refused OAuth 2.0 token): its message is the whole explanation, where a network error's code says more.
 */
export class HttpClientSetupError extends Error {
  override readonly name = 'HttpClientSetupError';
}

type Secret = { value?: string | undefined; file?: string | undefined; field: string };

/** A secret's value, from the file when one is given (read at each use, as Alertmanager does). */
function secret(s: Secret, baseDir: string | undefined): string {
  if (s.file === undefined) return s.value ?? '';
  const path = baseDir && !isAbsolute(s.file) ? resolve(baseDir, s.file) : s.file;
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (err) {
    throw new HttpClientSetupError(
      `http_config: cannot read ${s.field} "${path}": ${(err as NodeJS.ErrnoException).code}`,
    );
  }
}

function readPem(file: string | undefined, field: string, baseDir: string | undefined): Buffer | undefined {
  if (file === undefined) return undefined;
  const path = baseDir && !isAbsolute(file) ? resolve(baseDir, file) : file;
  try {
    return readFileSync(path);
  } catch (err) {
    throw new HttpClientSetupError(
      `http_config: cannot read tls_config.${field} "${path}": ${(err as NodeJS.ErrnoException).code}`,
    );
  }
}

/** The subset of Node's `tls.connect` options that {@link tlsConnectOptions} sets. */
export interface TlsConnectOptions {
  ca?: Buffer | undefined;
  cert?: Buffer | undefined;
  key?: Buffer | undefined;
  servername?: string;
  rejectUnauthorized: boolean;
  minVersion: SecureVersion;
  maxVersion?: SecureVersion;
}

/**
 * Node `tls.connect` options for a {@link HttpTlsConfig} (CA, client certificate, server name, versions), with
 * its files read now; relative paths from `baseDir`. Throws naming the `tls_config` field of a file it cannot read.
 */
export function tlsConnectOptions(tls: HttpTlsConfig | undefined, baseDir?: string): TlsConnectOptions {
  const t = tls ?? {};
  return {
    ...(t.caFile ? { ca: readPem(t.caFile, 'ca_file', baseDir) } : {}),
    ...(t.certFile ? { cert: readPem(t.certFile, 'cert_file', baseDir) } : {}),
    ...(t.keyFile ? { key: readPem(t.keyFile, 'key_file', baseDir) } : {}),
    // Node checks the certificate against the SNI name, which is server_name when set, as Go does.
    ...(t.serverName ? { servername: t.serverName } : {}),
    rejectUnauthorized: t.insecureSkipVerify !== true,
    minVersion: TLS_VERSION[t.minVersion ?? 'TLS12'],
    ...(t.maxVersion ? { maxVersion: TLS_VERSION[t.maxVersion] } : {}),
  };
}

/** How requests leave: node:http(s) agents, or undici's ProxyAgent when a proxy tunnels them. */
interface Transport {
  fetch(url: string, init: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

function transportFor(
  tls: HttpTlsConfig | undefined,
  proxyUrl: string | undefined,
  baseDir: string | undefined,
): Transport {
  const connect = tlsConnectOptions(tls, baseDir);
  if (!proxyUrl) {
    // node:http, not undici: after one undici fetch every later await in the process costs more (Node 20)
    const http = new HttpAgent({ keepAlive: true });
    const https = new HttpsAgent({ keepAlive: true, ...connect });
    let closed = false;
    return {
      // as undici's closed dispatcher: nothing goes out after close (an agent alone would open a new socket)
      fetch: (url, init) =>
        closed
          ? Promise.reject(new TypeError('fetch failed', { cause: new Error('the HTTP client is closed') }))
          : httpFetch(url, { ...init, agent: url.startsWith('https:') ? https : http }),
      async close() {
        closed = true;
        http.destroy();
        https.destroy();
      },
    };
  }
  const proxy = new URL(proxyUrl);
  const token =
    proxy.username !== ''
      ? `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`
      : undefined;
  proxy.username = '';
  proxy.password = '';
  const dispatcher = new ProxyAgent({
    uri: proxy.toString(),
    requestTls: connect,
    ...(token ? { token } : {}),
  });
  return {
    fetch: async (url, init) =>
      (await undiciFetch(url, {
        ...(init as Parameters<typeof undiciFetch>[1]),
        dispatcher,
      })) as unknown as Response,
    close: () => dispatcher.close(),
  };
}

function isTlsError(err: unknown): boolean {
  const code = (err as { cause?: { code?: string } }).cause?.code ?? '';
  return /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO/.test(code);
}

/** The `Authorization` header the config asks for, or undefined (oauth2 is handled apart). */
function staticAuthorization(c: HttpClientConfig, baseDir: string | undefined): string | undefined {
  if (c.basicAuth) {
    const pass = secret(
      { value: c.basicAuth.password, file: c.basicAuth.passwordFile, field: 'basic_auth.password_file' },
      baseDir,
    );
    return `Basic ${Buffer.from(`${c.basicAuth.username ?? ''}:${pass}`).toString('base64')}`;
  }
  if (c.authorization) {
    const a = c.authorization;
    const cred = secret(
      { value: a.credentials, file: a.credentialsFile, field: 'authorization.credentials_file' },
      baseDir,
    );
    return `${a.type?.trim() || 'Bearer'} ${cred}`;
  }
  if (c.bearerToken !== undefined || c.bearerTokenFile !== undefined) {
    const tok = secret(
      { value: c.bearerToken, file: c.bearerTokenFile, field: 'bearer_token_file' },
      baseDir,
    );
    return `Bearer ${tok}`;
  }
  return undefined;
}

interface CachedToken {
  header: string;
  /** ms since epoch after which a new token is fetched. */
  refreshAt: number;
}

/** Fetches and caches client-credentials tokens; refreshes 10 s before `expires_in` runs out. */
function oauth2Tokens(o: HttpOAuth2Config, baseDir: string | undefined, now: () => number) {
  let cached: CachedToken | undefined;
  let transport: Transport | undefined;
  return {
    async header(signal: AbortSignal | null | undefined): Promise<string> {
      if (cached && now() < cached.refreshAt) return cached.header;
      transport ??= transportFor(o.tls, o.proxyUrl, baseDir);
      const form = new URLSearchParams({ grant_type: 'client_credentials' });
      if (o.scopes && o.scopes.length > 0) form.set('scope', o.scopes.join(' '));
      for (const [k, v] of Object.entries(o.endpointParams ?? {})) form.set(k, v);
      const pass = secret(
        { value: o.clientSecret, file: o.clientSecretFile, field: 'oauth2.client_secret_file' },
        baseDir,
      );
      // RFC 6749 §2.3.1: id and secret form-urlencoded, then sent as HTTP Basic credentials.
      const basic = Buffer.from(`${encodeURIComponent(o.clientId)}:${encodeURIComponent(pass)}`).toString(
        'base64',
      );
      const res = await transport.fetch(o.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
        body: form.toString(),
        ...(signal ? { signal } : {}),
      });
      const text = await res.text();
      if (!res.ok) throw new HttpClientSetupError(`oauth2: token request failed with HTTP ${res.status}`);
      let body: { access_token?: unknown; token_type?: unknown; expires_in?: unknown };
      try {
        body = JSON.parse(text);
      } catch {
        throw new HttpClientSetupError('oauth2: the token response is not JSON');
      }
      if (typeof body.access_token !== 'string' || body.access_token === '')
        throw new HttpClientSetupError('oauth2: the token response has no access_token');
      const type = typeof body.token_type === 'string' && body.token_type !== '' ? body.token_type : 'Bearer';
      // RFC 6750: the scheme is case-insensitive; servers often answer "bearer".
      const scheme = type.toLowerCase() === 'bearer' ? 'Bearer' : type;
      const ttl = typeof body.expires_in === 'number' ? body.expires_in * 1000 : Number.POSITIVE_INFINITY;
      cached = { header: `${scheme} ${body.access_token}`, refreshAt: now() + ttl - 10_000 };
      return cached.header;
    },
    async close() {
      await transport?.close();
    },
  };
}

/**
 * An {@link HttpClient} for a notifier: TLS (custom CA, client certificate, server name, versions), an HTTP
 * proxy, and the credentials of `http_config` — added only when the request has no `Authorization` of its own,
 * as prometheus/common does, so a receiver's own scheme (OpsGenie's `GenieKey`) wins.
 * Secret files are read at each request; TLS files at the first request and again after a TLS failure.
 * @example withHttpClient(slackNotifier({ url }), createHttpClient({ proxyUrl: 'http://proxy:3128', tls: { caFile } }))
 */
export function createHttpClient(
  config: HttpClientConfig,
  options: { baseDir?: string; now?: () => number } = {},
): HttpClient {
  const baseDir = options.baseDir;
  const oauth = config.oauth2 ? oauth2Tokens(config.oauth2, baseDir, options.now ?? Date.now) : undefined;
  let transport: Transport | undefined;
  return {
    async fetch(url, init) {
      const headers: Record<string, string> = {};
      new Headers(init.headers).forEach((v, k) => {
        headers[k] = v;
      });
      if (headers['authorization'] === undefined) {
        const auth = oauth ? await oauth.header(init.signal) : staticAuthorization(config, baseDir);
        if (auth !== undefined) headers['authorization'] = auth;
      }
      transport ??= transportFor(config.tls, config.proxyUrl, baseDir);
      const used = transport;
      try {
        return await used.fetch(url, {
          method: init.method ?? 'GET',
          headers,
          body: init.body as string | null | undefined,
          redirect: config.followRedirects === false ? 'manual' : 'follow',
          ...(init.signal ? { signal: init.signal } : {}),
        });
      } catch (err) {
        if (isTlsError(err) && transport === used) {
          transport = undefined;
          void used.close().catch(() => {});
        }
        throw err;
      }
    },
    async close() {
      await Promise.all([transport?.close(), oauth?.close()]);
    },
  };
}

type Obj = Record<string, unknown>;
const s = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** An Alertmanager `tls_config` block (snake_case) as an {@link HttpTlsConfig}. */
export function tlsFromAlertmanager(t: Obj | undefined): HttpTlsConfig | undefined {
  if (!t) return undefined;
  const out: HttpTlsConfig = {};
  if (s(t['ca_file'])) out.caFile = s(t['ca_file'])!;
  if (s(t['cert_file'])) out.certFile = s(t['cert_file'])!;
  if (s(t['key_file'])) out.keyFile = s(t['key_file'])!;
  if (s(t['server_name'])) out.serverName = s(t['server_name'])!;
  if (t['insecure_skip_verify'] === true) out.insecureSkipVerify = true;
  if (s(t['min_version'])) out.minVersion = s(t['min_version']) as HttpTlsConfig['minVersion'] & string;
  if (s(t['max_version'])) out.maxVersion = s(t['max_version']) as HttpTlsConfig['maxVersion'] & string;
  return out;
}

function drop<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/**
 * An Alertmanager `http_config` block (snake_case, already checked by `checkAlertmanagerConfig`) as an
 * {@link HttpClientConfig}; undefined when the block sets nothing that changes a request.
 */
export function httpClientConfigFromAlertmanager(httpConfig: unknown): HttpClientConfig | undefined {
  if (!httpConfig || typeof httpConfig !== 'object') return undefined;
  const h = httpConfig as Obj;
  const basic = h['basic_auth'] as Obj | undefined;
  const auth = h['authorization'] as Obj | undefined;
  const o2 = h['oauth2'] as Obj | undefined;
  const config: HttpClientConfig = drop({
    basicAuth: basic
      ? drop({
          username: s(basic['username']),
          password: s(basic['password']),
          passwordFile: s(basic['password_file']),
        })
      : undefined,
    // Webex reads its token from `authorization` too; the header is the same either way.
    authorization:
      auth && (s(auth['credentials']) || s(auth['credentials_file']))
        ? drop({
            type: s(auth['type']),
            credentials: s(auth['credentials']),
            credentialsFile: s(auth['credentials_file']),
          })
        : undefined,
    bearerToken: s(h['bearer_token']),
    bearerTokenFile: s(h['bearer_token_file']),
    oauth2: o2
      ? drop({
          clientId: String(o2['client_id'] ?? ''),
          clientSecret: s(o2['client_secret']),
          clientSecretFile: s(o2['client_secret_file']),
          tokenUrl: String(o2['token_url'] ?? ''),
          scopes: Array.isArray(o2['scopes']) ? o2['scopes'].map(String) : undefined,
          endpointParams: (o2['endpoint_params'] as Record<string, string> | undefined) ?? undefined,
          tls: tlsFromAlertmanager(o2['tls_config'] as Obj | undefined),
          proxyUrl: s(o2['proxy_url']),
        })
      : undefined,
    proxyUrl: s(h['proxy_url']),
    tls: tlsFromAlertmanager(h['tls_config'] as Obj | undefined),
    followRedirects: h['follow_redirects'] === false ? false : undefined,
  });
  return Object.keys(config).length > 0 ? config : undefined;
}
