import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { postJson, webhookNotifier } from '../src/index.js';
import { sampleNotification } from '../src/testing.js';

afterEach(() => {
  vi.restoreAllMocks();
});

// Without an http_config client, notifiers post over node:http (core's httpFetch): Node 20's global fetch makes
// every later await in the process dearer once it has completed a request.
describe('postJson without an http client', () => {
  it('posts over node:http, never the global fetch, and reads status and body', async () => {
    const globalFetch = vi.spyOn(globalThis, 'fetch');
    const seen: { headers: IncomingHttpHeaders; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        seen.push({ headers: req.headers, body });
        res.writeHead(seen.length === 1 ? 200 : 429, { 'retry-after': '7' }).end('ok');
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    try {
      const n = webhookNotifier({ url });
      const r = await n.send(sampleNotification(), { signal: new AbortController().signal } as never);
      expect(r.ok).toBe(true);
      expect(seen[0]!.headers['content-type']).toBe('application/json');
      expect(JSON.parse(seen[0]!.body)).toMatchObject({ version: '4', status: 'firing' });
      const limited = await postJson({
        url,
        body: {},
        signal: new AbortController().signal,
        what: 'webhook',
      });
      expect(limited).toMatchObject({
        ok: false,
        retryable: true,
        status: 429,
        retryAfterMs: 7_000,
        body: 'ok',
      });
      expect(globalFetch).not.toHaveBeenCalled();
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('a refused connection reports its code', async () => {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    await new Promise((r) => server.close(r));
    const r = await postJson({
      url: `http://127.0.0.1:${port}/hook`,
      body: {},
      signal: new AbortController().signal,
      what: 'webhook',
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toBe(`webhook: POST http://127.0.0.1:${port}/… failed: ECONNREFUSED`);
  });
});
