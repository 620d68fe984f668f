import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { loadAlertmanagerConfig, type Notifier } from '@argus/alerting';
import { sampleNotification } from '@argus/alerting/testing';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifierIntegrations } from '../src/index.js';

// Alertmanager's `http_config` (prometheus/common) applied to every receiver: TLS with a private CA, server
// name and client certificates; basic_auth, authorization and bearer tokens (files read at each send); the
// OAuth 2.0 client-credentials grant (RFC 6749 §4.4); an HTTP proxy reached with CONNECT (RFC 9110 §9.3.6);
// follow_redirects. Certificates come from openssl per run, servers listen on 127.0.0.1.

const dir = mkdtempSync(join(tmpdir(), 'argus-http-config-'));
const file = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return name;
};

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

/** A CA, a server certificate for DNS:argus.test signed by it, and a client certificate (CN=argus-client). */
function makeCertificates(): void {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    'req',
    '-x509',
    ...ec,
    '-days',
    '1',
    '-subj',
    '/CN=Argus Test CA',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
  );
  for (const [name, cn, ext] of [
    ['server', 'argus.test', 'subjectAltName=DNS:argus.test'],
    ['client', 'argus-client', 'extendedKeyUsage=clientAuth'],
  ] as const) {
    openssl('req', ...ec, '-subj', `/CN=${cn}`, '-keyout', `${name}.key`, '-out', `${name}.csr`);
    file(`${name}.ext`, `${ext}\n`);
    const sign = ['-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1'];
    openssl('x509', '-req', '-in', `${name}.csr`, ...sign, '-extfile', `${name}.ext`, '-out', `${name}.pem`);
  }
}

interface Seen {
  authorization?: string | undefined;
  clientCn?: string | undefined;
  path: string;
}

/** A receiver endpoint answering 200 to POSTs and recording what it saw. */
function recorder(seen: Seen[], extra?: (req: IncomingMessage, res: ServerResponse) => boolean) {
  return (req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      if (extra?.(req, res)) return;
      const peer = (req.socket as TLSSocket).getPeerCertificate?.();
      seen.push({
        authorization: req.headers.authorization,
        clientCn: peer && 'subject' in peer ? String(peer.subject?.CN) : undefined,
        path: req.url ?? '',
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  };
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

const close = (s: Server) =>
  new Promise<void>((r) => {
    s.closeAllConnections?.();
    s.close(() => r());
  });

/** The first notifier of the only receiver of an Alertmanager config, loaded as Argus loads files. */
function receiverFrom(yaml: string): Notifier {
  const cfg = loadAlertmanagerConfig(yaml, { integrations: notifierIntegrations, baseDir: dir });
  return cfg.receivers[0]?.notifiers?.[0] as Notifier;
}

const amConfig = (receiver: string) => `route: { receiver: r }
receivers:
  - name: r
${receiver}`;

const send = (n: Notifier) => n.send(sampleNotification('firing'), { signal: AbortSignal.timeout(10_000) });

beforeAll(makeCertificates);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('http_config tls_config', () => {
  const seen: Seen[] = [];
  let server: Server;
  let url = '';
  beforeAll(async () => {
    server = createHttpsServer(
      {
        cert: readFileSync(join(dir, 'server.pem')),
        key: readFileSync(join(dir, 'server.key')),
        ca: readFileSync(join(dir, 'ca.pem')),
        requestCert: true,
        rejectUnauthorized: false,
      },
      recorder(seen),
    );
    url = `https://127.0.0.1:${await listen(server)}/hook`;
  });
  afterAll(() => close(server));

  it('fails on a certificate from a private CA when no ca_file is given (the system CAs do not sign it)', async () => {
    const r = await send(receiverFrom(amConfig(`    webhook_configs: [{ url: '${url}' }]`)));
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.error.message).toMatch(/webhook: POST https:\/\/127\.0\.0\.1:\d+\/… failed: \w+/);
  });

  it('trusts ca_file, checks the certificate against server_name and presents cert_file/key_file', async () => {
    const n = receiverFrom(
      amConfig(`    webhook_configs:
      - url: '${url}'
        http_config:
          tls_config: { ca_file: ca.pem, server_name: argus.test, cert_file: client.pem, key_file: client.key }`),
    );
    seen.length = 0;
    expect(await send(n)).toMatchObject({ ok: true });
    expect(seen).toEqual([{ authorization: undefined, clientCn: 'argus-client', path: '/hook' }]);
  });

  it('refuses the server when server_name does not match its certificate', async () => {
    const n = receiverFrom(
      amConfig(`    webhook_configs:
      - url: '${url}'
        http_config: { tls_config: { ca_file: ca.pem, server_name: other.test } }`),
    );
    const r = await send(n);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.error.message).toContain('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('insecure_skip_verify accepts any certificate', async () => {
    const n = receiverFrom(
      amConfig(`    webhook_configs:
      - url: '${url}'
        http_config: { tls_config: { insecure_skip_verify: true } }`),
    );
    expect(await send(n)).toMatchObject({ ok: true });
  });

  it('a missing ca_file fails the send naming the field, and does not throw', async () => {
    const n = receiverFrom(
      amConfig(`    webhook_configs:
      - url: '${url}'
        http_config: { tls_config: { ca_file: nowhere.pem } }`),
    );
    const r = await send(n);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.error.message).toContain('tls_config.ca_file');
  });
});

describe('http_config credentials', () => {
  const seen: Seen[] = [];
  let server: Server;
  let base = '';
  beforeAll(async () => {
    server = createHttpServer(recorder(seen));
    base = `http://127.0.0.1:${await listen(server)}`;
  });
  afterAll(() => close(server));

  it('basic_auth with password_file, read again at each send', async () => {
    file('pw', 'first\n');
    const n = receiverFrom(
      amConfig(`    webhook_configs:
      - url: '${base}/a'
        http_config: { basic_auth: { username: am, password_file: pw } }`),
    );
    seen.length = 0;
    await send(n);
    file('pw', 'second\n');
    await send(n);
    const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
    expect(seen.map((s) => s.authorization)).toEqual([basic('am', 'first'), basic('am', 'second')]);
  });

  it('authorization with a type, and bearer_token, on receivers built from @argus/notifiers', async () => {
    seen.length = 0;
    const slack = receiverFrom(
      amConfig(`    slack_configs:
      - api_url: '${base}/slack'
        channel: '#ops'
        http_config: { authorization: { type: Token, credentials: s3cr3t } }`),
    );
    const teams = receiverFrom(
      amConfig(`    discord_configs:
      - webhook_url: '${base}/discord'
        http_config: { bearer_token: b34r3r }`),
    );
    expect(await send(slack)).toMatchObject({ ok: true });
    expect(await send(teams)).toMatchObject({ ok: true });
    expect(seen.map((s) => [s.path, s.authorization])).toEqual([
      ['/slack', 'Token s3cr3t'],
      ['/discord', 'Bearer b34r3r'],
    ]);
  });

  it("a receiver's own Authorization header wins over http_config's (OpsGenie's GenieKey)", async () => {
    seen.length = 0;
    const n = receiverFrom(
      amConfig(`    opsgenie_configs:
      - api_key: OGKEY
        api_url: '${base}/'
        http_config: { authorization: { credentials: other } }`),
    );
    await send(n);
    expect(seen[0]?.authorization).toBe('GenieKey OGKEY');
  });

  it('the global http_config applies to every receiver without its own', async () => {
    seen.length = 0;
    const cfg = loadAlertmanagerConfig(
      `global: { http_config: { authorization: { credentials: g1 } } }
route: { receiver: r }
receivers: [{ name: r, webhook_configs: [{ url: '${base}/g' }] }]`,
      { integrations: notifierIntegrations, baseDir: dir },
    );
    await send(cfg.receivers[0]?.notifiers?.[0] as Notifier);
    expect(seen[0]?.authorization).toBe('Bearer g1');
  });
});

describe('http_config follow_redirects', () => {
  let server: Server;
  const seen: Seen[] = [];
  let base = '';
  beforeAll(async () => {
    server = createHttpServer(
      recorder(seen, (req, res) => {
        if (req.url !== '/old') return false;
        res.writeHead(307, { location: '/new' }).end();
        return true;
      }),
    );
    base = `http://127.0.0.1:${await listen(server)}`;
  });
  afterAll(() => close(server));

  it('follows a 307 by default and not when follow_redirects is false', async () => {
    const hook = (extra: string) =>
      receiverFrom(amConfig(`    webhook_configs: [{ url: '${base}/old'${extra} }]`));
    seen.length = 0;
    expect(await send(hook(''))).toMatchObject({ ok: true });
    expect(seen.map((s) => s.path)).toEqual(['/new']);
    const r = await send(hook(', http_config: { follow_redirects: false }'));
    expect(r).toMatchObject({ ok: false, status: 307 });
    expect(seen).toHaveLength(1);
  });
});

describe('http_config oauth2 (client credentials)', () => {
  const seen: Seen[] = [];
  const tokenRequests: { authorization?: string | undefined; form: URLSearchParams }[] = [];
  let tokenStatus = 200;
  let api: Server;
  let auth: Server;
  let apiBase = '';
  let tokenUrl = '';
  beforeAll(async () => {
    api = createHttpServer(recorder(seen));
    apiBase = `http://127.0.0.1:${await listen(api)}`;
    auth = createHttpServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        tokenRequests.push({ authorization: req.headers.authorization, form: new URLSearchParams(body) });
        if (tokenStatus !== 200) {
          res
            .writeHead(tokenStatus, { 'content-type': 'application/json' })
            .end('{"error":"invalid_client"}');
          return;
        }
        const token = `tok-${tokenRequests.length}`;
        res
          .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
          .end(JSON.stringify({ access_token: token, token_type: 'bearer', expires_in: 3600 }));
      });
    });
    tokenUrl = `http://127.0.0.1:${await listen(auth)}/oauth/token`;
  });
  afterAll(async () => {
    await close(api);
    await close(auth);
  });

  const receiver = () =>
    receiverFrom(
      amConfig(`    webhook_configs:
      - url: '${apiBase}/o'
        http_config:
          oauth2:
            client_id: argus id
            client_secret_file: cs
            token_url: '${tokenUrl}'
            scopes: [alerts.write, alerts.read]
            endpoint_params: { audience: receivers }`),
    );

  it('gets a token once, sends it as Bearer, and reuses it while it is valid', async () => {
    file('cs', 'p@ss:word\n');
    tokenRequests.length = 0;
    seen.length = 0;
    const n = receiver();
    expect(await send(n)).toMatchObject({ ok: true });
    expect(await send(n)).toMatchObject({ ok: true });
    expect(seen.map((s) => s.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-1']);
    expect(tokenRequests).toHaveLength(1);
    const t = tokenRequests[0]!;
    // RFC 6749 §2.3.1: id and secret are form-urlencoded before they become Basic credentials.
    expect(t.authorization).toBe(`Basic ${Buffer.from('argus%20id:p%40ss%3Aword').toString('base64')}`);
    expect(Object.fromEntries(t.form)).toEqual({
      grant_type: 'client_credentials',
      scope: 'alerts.write alerts.read',
      audience: 'receivers',
    });
  });

  it('a refused token request fails the send, retryably, without reaching the receiver', async () => {
    tokenStatus = 401;
    seen.length = 0;
    try {
      const r = await send(receiver());
      expect(r).toMatchObject({ ok: false, retryable: true });
      expect(r.ok ? '' : r.error.message).toContain('oauth2: token request failed with HTTP 401');
      expect(seen).toHaveLength(0);
    } finally {
      tokenStatus = 200;
    }
  });
});

describe('http_config proxy_url', () => {
  const seen: Seen[] = [];
  const tunnels: { target: string; proxyAuthorization?: string | undefined }[] = [];
  let target: Server;
  let proxy: Server;
  let proxyPort = 0;
  let targetUrl = '';
  beforeAll(async () => {
    target = createHttpServer(recorder(seen));
    targetUrl = `http://127.0.0.1:${await listen(target)}/through`;
    // A forward proxy as RFC 9110 §9.3.6 describes CONNECT: open a TCP tunnel to the authority, answer 200.
    proxy = createHttpServer((_req, res) => res.writeHead(405).end());
    proxy.on('connect', (req: IncomingMessage, socket, head) => {
      tunnels.push({ target: req.url ?? '', proxyAuthorization: req.headers['proxy-authorization'] });
      const [host, port] = (req.url ?? '').split(':');
      const upstream = connect(Number(port), host!, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    proxyPort = await listen(proxy);
  });
  afterAll(async () => {
    await close(proxy);
    await close(target);
  });

  it('sends through the proxy, with the proxy URL credentials as Proxy-Authorization', async () => {
    const n = receiverFrom(
      amConfig(`    webhook_configs:
      - url: '${targetUrl}'
        http_config: { proxy_url: 'http://pu:pp@127.0.0.1:${proxyPort}' }`),
    );
    expect(await send(n)).toMatchObject({ ok: true });
    expect(seen.map((s) => s.path)).toEqual(['/through']);
    expect(tunnels).toEqual([
      {
        target: `127.0.0.1:${new URL(targetUrl).port}`,
        proxyAuthorization: `Basic ${Buffer.from('pu:pp').toString('base64')}`,
      },
    ]);
  });
});

describe('email_configs tls_config and hello (STARTTLS to a local SMTP server with a private-CA certificate)', () => {
  const hellos: string[] = [];
  let smtp: SMTPServer;
  let port = 0;
  beforeAll(async () => {
    smtp = new SMTPServer({
      key: readFileSync(join(dir, 'server.key')),
      cert: readFileSync(join(dir, 'server.pem')),
      authOptional: true,
      logger: false,
      onConnect(_s, cb) {
        cb();
      },
      onMailFrom(_a, session, cb) {
        hellos.push(`${session.hostNameAppearsAs}${session.secure ? ' tls' : ''}`);
        cb();
      },
      onData(stream, _s, cb) {
        stream.resume();
        stream.on('end', () => cb());
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    port = (smtp.server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => smtp.close(() => r())));

  const mailer = (tls: string) =>
    receiverFrom(
      amConfig(`    email_configs:
      - to: ops@example.test
        from: argus@example.test
        smarthost: '127.0.0.1:${port}'
        hello: argus.example
        require_tls: true${tls}`),
    );

  it('verifies the STARTTLS certificate against ca_file and server_name, and says hello as configured', async () => {
    hellos.length = 0;
    const r = await send(mailer('\n        tls_config: { ca_file: ca.pem, server_name: argus.test }'));
    expect(r).toMatchObject({ ok: true });
    expect(hellos).toEqual(['argus.example tls']);
  });

  it('refuses the certificate without ca_file', async () => {
    const r = await send(mailer(''));
    expect(r.ok).toBe(false);
  });
});
