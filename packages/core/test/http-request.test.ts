import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpFetch } from '../src/http-fetch.js';
import { httpRequest } from '../src/http-request.js';

type Seen = { method: string; url: string; headers: IncomingMessage['headers']; body: Buffer; port: number };

// A real server on loopback: each path is a behaviour; every request is recorded as it arrived.
function start(
  route: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void,
): Promise<{ server: Server; url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
        port: req.socket.remotePort ?? 0,
      });
      route(req, res, body);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen }),
    ),
  );
}

describe('httpRequest / httpFetch over node:http', () => {
  let a: Awaited<ReturnType<typeof start>>;
  let b: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    b = await start((req, res) => {
      res.end(JSON.stringify({ auth: req.headers.authorization ?? null }));
    });
    const used = new WeakSet<object>();
    a = await start((req, res, body) => {
      const path = req.url ?? '';
      res.on('finish', () => used.add(req.socket));
      if (path === '/echo') {
        res.setHeader('x-got', String(body.length));
        res.setHeader('set-cookie', ['a=1', 'b=2']);
        res.end(body);
      } else if (path === '/gzip') {
        res.setHeader('content-encoding', 'gzip');
        res.end(gzipSync(Buffer.from('compressed page\n'.repeat(100))));
      } else if (path.startsWith('/to/')) {
        const [, , code, ...rest] = path.split('/');
        res.statusCode = Number(code);
        res.setHeader('location', decodeURIComponent(rest.join('/')));
        res.end('moved');
      } else if (path === '/loop') {
        res.statusCode = 302;
        res.setHeader('location', '/loop');
        res.end();
      } else if (path === '/drop-reused') {
        // a kept-alive connection closed by the server just as the client reuses it
        if (used.has(req.socket)) req.socket.destroy();
        else res.end('fresh');
      } else if (path === '/slow-body') {
        res.write('part 1\n'); // the rest never comes
      } else if (path === '/hang') {
        // no answer
      } else {
        res.statusCode = 404;
        res.end('not found');
      }
    });
  });
  afterAll(() => {
    a.server.closeAllConnections();
    b.server.closeAllConnections();
    a.server.close();
    b.server.close();
  });

  it('sends a byte body byte-exact and returns status, headers and the body', async () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 255, 10, 13]);
    const res = await httpRequest(`${a.url}/echo`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf' },
      body: bytes,
    });
    expect(res.status).toBe(200);
    expect(res.headers['x-got']).toBe('7');
    expect(res.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    const chunks: Buffer[] = [];
    for await (const c of res.body) chunks.push(c as Buffer);
    expect([...Buffer.concat(chunks)]).toEqual([...bytes]);
    expect(a.seen.at(-1)?.headers['content-type']).toBe('application/x-protobuf');
  });

  it('asks for and decodes a gzip body', async () => {
    const res = await httpRequest(`${a.url}/gzip`, { acceptCompressed: true });
    expect(a.seen.at(-1)?.headers['accept-encoding']).toBe('gzip, deflate');
    expect(await res.text()).toBe('compressed page\n'.repeat(100));
    // without the option nothing is asked for
    await (await httpRequest(`${a.url}/echo`)).text();
    expect(a.seen.at(-1)?.headers['accept-encoding']).toBeUndefined();
  });

  it('follows redirects as fetch does: 302 after a POST becomes a GET, 307 keeps the method and body', async () => {
    const r302 = await httpRequest(`${a.url}/to/302/${encodeURIComponent('/echo')}`, {
      method: 'POST',
      body: 'x=1',
    });
    expect(r302.status).toBe(200);
    expect(await r302.text()).toBe('');
    expect(a.seen.at(-1)).toMatchObject({ method: 'GET', url: '/echo' });
    expect(r302.url).toBe(`${a.url}/echo`);
    const r307 = await httpRequest(`${a.url}/to/307/${encodeURIComponent('/echo')}`, {
      method: 'POST',
      body: 'x=1',
    });
    expect(await r307.text()).toBe('x=1');
    expect(a.seen.at(-1)?.method).toBe('POST');
  });

  it('drops the Authorization header when a redirect leaves the origin, keeps it on the same origin', async () => {
    const cross = await httpRequest(`${a.url}/to/302/${encodeURIComponent(`${b.url}/x`)}`, {
      headers: { authorization: 'Bearer secret' },
    });
    expect(JSON.parse(await cross.text())).toEqual({ auth: null });
    await (
      await httpRequest(`${a.url}/to/302/${encodeURIComponent('/echo')}`, {
        headers: { authorization: 'Bearer s' },
      })
    ).text();
    expect(a.seen.at(-1)?.headers.authorization).toBe('Bearer s');
  });

  it('returns the 3xx with maxRedirects 0 and stops a redirect loop', async () => {
    const res = await httpRequest(`${a.url}/loop`, { maxRedirects: 0 });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/loop');
    res.discard();
    await expect(httpRequest(`${a.url}/loop`, { maxRedirects: 3 })).rejects.toThrow(/too many redirects/);
  });

  it('rejects with the signal reason when aborted before the answer, and stops a body being read', async () => {
    const ctl = new AbortController();
    const pending = httpRequest(`${a.url}/hang`, { signal: ctl.signal });
    await waitFor(() => a.seen.at(-1)?.url === '/hang');
    ctl.abort(new Error('shutdown'));
    await expect(pending).rejects.toThrow('shutdown');

    const ctl2 = new AbortController();
    const res = await httpRequest(`${a.url}/slow-body`, { signal: ctl2.signal });
    const reading = res.text();
    ctl2.abort(new Error('deadline'));
    await expect(reading).rejects.toThrow('deadline');
  });

  it('rejects a refused connection with Node’s error code', async () => {
    const closed = await start(() => {});
    const url = closed.url;
    await new Promise((r) => closed.server.close(r));
    await expect(httpRequest(url)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('keeps the connection alive between requests', async () => {
    await (await httpRequest(`${a.url}/echo`)).text();
    const first = a.seen.at(-1)!.port;
    await (await httpRequest(`${a.url}/echo`)).text();
    expect(a.seen.at(-1)!.port).toBe(first);
  });

  it('sends a GET again once on a new connection when a reused one is reset; a POST fails', async () => {
    await (await httpRequest(`${a.url}/echo`)).text();
    const res = await httpRequest(`${a.url}/drop-reused`);
    expect(await res.text()).toBe('fresh');
    await (await httpRequest(`${a.url}/echo`)).text();
    await expect(httpRequest(`${a.url}/drop-reused`, { method: 'POST', body: 'x' })).rejects.toMatchObject({
      code: 'ECONNRESET',
    });
  });

  describe('httpFetch', () => {
    it('answers as fetch: a Response with status, headers and a decoded body', async () => {
      const res = await httpFetch(`${a.url}/echo`, {
        method: 'POST',
        headers: new Headers({ 'content-type': 'text/plain' }),
        body: 'hello',
      });
      expect(res.ok).toBe(true);
      expect(res.headers.get('x-got')).toBe('5');
      expect(await res.text()).toBe('hello');
      const gz = await httpFetch(`${a.url}/gzip`);
      expect(gz.headers.get('content-encoding')).toBeNull();
      expect((await gz.text()).length).toBe(1600);
      const missing = await httpFetch(`${a.url}/nope`);
      expect(missing.status).toBe(404);
      expect(await missing.text()).toBe('not found');
    });

    it('sends a form body with its content type, and honours redirect: manual', async () => {
      await (
        await httpFetch(`${a.url}/echo`, { method: 'POST', body: new URLSearchParams({ a: 'b c' }) })
      ).text();
      expect(a.seen.at(-1)?.body.toString()).toBe('a=b+c');
      expect(a.seen.at(-1)?.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
      const res = await httpFetch(`${a.url}/loop`, { redirect: 'manual' });
      expect(res.status).toBe(302);
      await expect(httpFetch(`${a.url}/loop`, { redirect: 'error' })).rejects.toThrow('fetch failed');
    });

    it('rejects as fetch does: TypeError with the cause’s code, or the abort reason', async () => {
      const closed = await start(() => {});
      await new Promise((r) => closed.server.close(r));
      const err = await httpFetch(closed.url).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TypeError);
      expect((err as TypeError).message).toBe('fetch failed');
      expect((err as { cause: { code: string } }).cause.code).toBe('ECONNREFUSED');
      const timeout = AbortSignal.timeout(50);
      const slow = await httpFetch(`${a.url}/hang`, { signal: timeout }).catch((e: unknown) => e);
      expect((slow as Error).name).toBe('TimeoutError');
    });
  });
});

async function waitFor(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 5));
}
