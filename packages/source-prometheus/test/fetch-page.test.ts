import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchPage, ScrapeFetchError } from '../src/scrape/fetch-page.js';
import { pageServer, serve } from './helpers.js';

const PAGE = '# TYPE up gauge\nup 1\n';
const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
const options = { timeoutMs: 5_000, maxBytes: 0, signal: new AbortController().signal };

// The scrape client runs over node:http (core's httpRequest): the global fetch slows every later await.
describe('fetchPage over node:http', () => {
  it('never calls the global fetch, asks for gzip and follows a redirect to the page', async () => {
    const global = vi.spyOn(globalThis, 'fetch');
    const s = await pageServer((req, res) => {
      if (req.url === '/old') {
        res.writeHead(301, { location: '/metrics' });
        res.end();
      } else serve(PAGE)(req, res);
    });
    servers.push(s);
    const page = await fetchPage(s.url.replace('/metrics', '/old'), options);
    expect(page.body).toBe(PAGE);
    expect(s.requests.map((h) => h['accept-encoding'])).toEqual(['gzip, deflate', 'gzip, deflate']);
    expect(global).not.toHaveBeenCalled();
  });

  it('applies bodySizeLimitBytes to the decompressed body of a gzip page', async () => {
    const big = `# TYPE m gauge\n${'m{a="b"} 1\n'.repeat(2_000)}`;
    const zipped = gzipSync(big);
    expect(zipped.length).toBeLessThan(1_000);
    const s = await pageServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
      res.end(zipped);
    });
    servers.push(s);
    expect((await fetchPage(s.url, options)).body).toBe(big);
    const err = await fetchPage(s.url, { ...options, maxBytes: 10_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScrapeFetchError);
    expect((err as Error).message).toMatch(/^body exceeds bodySizeLimitBytes \(10000\) after \d+ bytes$/);
  });

  it('times out a target that never finishes its body', async () => {
    const s = await pageServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('up 1\n');
    });
    servers.push(s);
    await expect(fetchPage(s.url, { ...options, timeoutMs: 100 })).rejects.toThrow(
      'reading the body: timed out after 100 ms',
    );
  });
});
