import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { testContext, testSource } from '@argus/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { scrapeSource } from '../src/index.js';
import { SCRAPE_ACCEPT } from '../src/scrape/fetch-page.js';
import { byName, pageServer, pollOnce, serve } from './helpers.js';

const PAGE = '# TYPE reqs counter\nreqs{code="200"} 10\nreqs{code="500"} 2\n# TYPE temp gauge\ntemp 21.5\n';
const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function target(h = serve(PAGE)) {
  const s = await pageServer(h);
  servers.push(s);
  return s;
}

describe('scrapeSource', () => {
  it('scrapes a page with job/instance labels, up and the scrape series', async () => {
    const s = await target();
    const ctx = testContext();
    const { rows } = await pollOnce(scrapeSource({ targets: [s.url], job: 'app' }), ctx);
    const instance = new URL(s.url).host;
    expect(byName(rows, 'reqs').map((r) => [r.labels, r.value])).toEqual([
      [{ __name__: 'reqs', code: '200', job: 'app', instance }, 10],
      [{ __name__: 'reqs', code: '500', job: 'app', instance }, 2],
    ]);
    expect(byName(rows, 'up')[0]).toMatchObject({ value: 1, labels: { job: 'app', instance } });
    expect(byName(rows, 'scrape_samples_scraped')[0]!.value).toBe(3);
    expect(byName(rows, 'scrape_series_added')[0]!.value).toBe(3);
    expect(byName(rows, 'scrape_duration_seconds')[0]!.value).toBeGreaterThan(0);
    expect(s.requests[0]!['accept']).toBe(SCRAPE_ACCEPT);
    expect(s.requests[0]!['x-prometheus-scrape-timeout-seconds']).toBe('10');
  });

  it('parses OpenMetrics when the target answers with it, and gzip bodies', async () => {
    const om = '# TYPE c counter\nc_total 4 # {trace="x"} 1\nc_created 1700000000\n# EOF\n';
    const s = await target((_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/openmetrics-text; version=1.0.0; charset=utf-8',
        'content-encoding': 'gzip',
      });
      res.end(gzipSync(om));
    });
    const { rows } = await pollOnce(scrapeSource({ targets: [s.url] }), testContext());
    expect(byName(rows, 'c_total').map((r) => r.value)).toEqual([4]);
    expect(byName(rows, 'c_created')).toEqual([]);
  });

  it('writes stale markers when a series vanishes, and for everything when the target goes down', async () => {
    const s = await target();
    const ctx = testContext();
    const source = scrapeSource({ targets: [s.url] });
    await pollOnce(source, ctx);
    s.set(serve('reqs{code="200"} 11\ntemp 22\n'));
    const second = await pollOnce(source, ctx);
    expect(byName(second.rows, 'reqs').map((r) => [r.labels['code'], r.stale])).toEqual([
      ['200', false],
      ['500', true],
    ]);
    await s.close();
    const down = await pollOnce(source, ctx);
    expect(byName(down.rows, 'up')[0]!.value).toBe(0);
    expect(down.rows.filter((r) => r.stale).map((r) => r.labels['__name__'])).toEqual(['reqs', 'temp']);
    expect(down.warnings[0]).toMatch(
      /scrape of http:\/\/127\.0\.0\.1:\d+\/metrics failed: (connect ECONNREFUSED 127\.0\.0\.1:\d+|socket hang up \(ECONNRESET\))$/,
    );
  });

  it('renames clashing labels to exported_* unless honorLabels', async () => {
    const s = await target(serve('m{job="inner"} 1\n'));
    const plain = await pollOnce(scrapeSource({ targets: [s.url], job: 'outer' }), testContext());
    expect(byName(plain.rows, 'm')[0]!.labels).toMatchObject({ job: 'outer', exported_job: 'inner' });
    const honored = await pollOnce(
      scrapeSource({ targets: [s.url], job: 'outer', honorLabels: true }),
      testContext(),
    );
    expect(byName(honored.rows, 'm')[0]!.labels['job']).toBe('inner');
  });

  it("adds a target's own labels", async () => {
    const s = await target();
    const { rows } = await pollOnce(
      scrapeSource({ targets: [{ url: s.url, labels: { env: 'prod' } }] }),
      testContext(),
    );
    expect(byName(rows, 'temp')[0]!.labels['env']).toBe('prod');
  });
});

describe('scrapeSource: faults give up 0 and a clear warning, never a crash or wrong data', () => {
  const cases: [string, Parameters<typeof target>[0], RegExp, object?][] = [
    ['HTTP 500', (_q, r) => r.writeHead(500).end('oops'), /HTTP 500/],
    [
      'HTML',
      serve('<html><body>login</body></html>', 'text/html; charset=utf-8'),
      /served text\/html, not a metrics page/,
    ],
    ['garbage', serve('\u0001\u0002 binary junk\n'), /line 1: expected a metric name/],
    ['invalid label name', serve('ok 1\nm{1bad="x"} 1\n'), /line 2: invalid label name/],
    [
      'invalid UTF-8',
      serve(Buffer.from([0x6d, 0x7b, 0x61, 0x3d, 0x22, 0xff, 0x22, 0x7d, 0x20, 0x31, 0x0a])),
      /not valid UTF-8 \(byte 5, line 1\)/,
    ],
    [
      'a body cut short',
      (_q, r) => {
        r.writeHead(200, { 'content-type': 'text/plain', 'content-length': '100' });
        r.write('m 1\nn 12');
        setTimeout(() => r.socket?.destroy(), 20);
      },
      /reading the body: the connection closed before the body ended \(ECONNRESET\)/,
    ],
    ['a page cut after a number', serve('m 1\nn 12'), /does not end with a line feed/],
    [
      'a huge body (declared)',
      (_q, r) => r.writeHead(200, { 'content-length': '4000' }).end('m 1\n'.repeat(1000)),
      /body of 4000 bytes exceeds bodySizeLimitBytes \(1000\)/,
      { bodySizeLimitBytes: 1000 },
    ],
    [
      'a huge body (chunked)',
      (_q, r) => {
        r.writeHead(200, { 'content-type': 'text/plain' });
        r.write('m 1\n'.repeat(300));
        r.end('m 1\n'.repeat(300));
      },
      /exceeds bodySizeLimitBytes \(1000\) after \d+ bytes/,
      { bodySizeLimitBytes: 1000 },
    ],
    [
      'too many samples',
      serve('a 1\nb 2\nc 3\n'),
      /line 3: sample count exceeds the limit of 2/,
      { sampleLimit: 2 },
    ],
  ];
  it.each(cases)('%s', async (_what, handler, message, limits) => {
    const s = await target(handler);
    const { rows, warnings } = await pollOnce(
      scrapeSource({ targets: [s.url], ...(limits ? { limits } : {}) }),
      testContext(),
    );
    expect(byName(rows, 'up')[0]!.value).toBe(0);
    expect(
      rows.filter((r) => !r.labels['__name__']!.startsWith('scrape_') && r.labels['__name__'] !== 'up'),
    ).toEqual([]);
    expect(warnings).toEqual([expect.stringMatching(message)]);
  });

  it('a slow target times out after timeoutMs', async () => {
    const s = await target(() => undefined);
    const { rows, warnings } = await pollOnce(
      scrapeSource({ targets: [s.url], timeoutMs: 200, intervalMs: 1000 }),
      testContext(),
    );
    expect(byName(rows, 'up')[0]!.value).toBe(0);
    expect(warnings[0]).toMatch(/timed out after 200 ms/);
  });

  it('repeated series keep the first sample and warn', async () => {
    const s = await target(serve('m{a="1"} 1\nm{a="1"} 2\n'));
    const { rows, warnings } = await pollOnce(scrapeSource({ targets: [s.url] }), testContext());
    expect(byName(rows, 'm').map((r) => r.value)).toEqual([1]);
    expect(warnings[0]).toMatch(/repeated 1 series/);
  });

  it('warns once per distinct failure, not once per poll', async () => {
    const s = await target((_q, r) => r.writeHead(503).end());
    const ctx = testContext();
    const source = scrapeSource({ targets: [s.url] });
    const warned = [(await pollOnce(source, ctx)).warnings, (await pollOnce(source, ctx)).warnings];
    expect(warned.map((w) => w.length)).toEqual([1, 0]);
  });
});

describe('scrapeSource: file_sd', () => {
  it('follows the file: new targets are scraped, removed ones get stale markers', async () => {
    const a = await target();
    const b = await target(serve('other 5\n'));
    const dir = await mkdtemp(join(tmpdir(), 'argus-sd-'));
    const file = join(dir, 'targets.json');
    const write = async (targets: string[], mtime: number) => {
      await writeFile(
        file,
        JSON.stringify([{ targets, labels: { job: 'sd', team: 'x', __meta_dropped: 'y' } }]),
      );
      const { utimes } = await import('node:fs/promises');
      await utimes(file, mtime, mtime);
    };
    try {
      const hostA = new URL(a.url).host;
      const hostB = new URL(b.url).host;
      await write([hostA], 1000);
      const ctx = testContext();
      const source = scrapeSource({ fileSd: [file] });
      const first = await pollOnce(source, ctx);
      expect(byName(first.rows, 'temp')[0]!.labels).toEqual({
        __name__: 'temp',
        job: 'sd',
        team: 'x',
        instance: hostA,
      });
      await write([hostB], 2000);
      const second = await pollOnce(source, ctx);
      expect(byName(second.rows, 'other')[0]!.value).toBe(5);
      expect(
        second.rows
          .filter((r) => r.stale)
          .map((r) => r.labels['__name__'])
          .sort(),
      ).toEqual([
        'reqs',
        'reqs',
        'scrape_duration_seconds',
        'scrape_samples_scraped',
        'scrape_series_added',
        'temp',
        'up',
      ]);
      await writeFile(file, '{ not json');
      const { utimes } = await import('node:fs/promises');
      await utimes(file, 3000, 3000);
      const third = await pollOnce(source, ctx);
      expect(third.warnings[0]).toMatch(/not valid JSON/);
      expect(byName(third.rows, 'other')[0]!.value).toBe(5);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('scrapeSource options', () => {
  it.each([
    [{}, 'targets'],
    [{ targets: ['ftp://x/metrics'] }, 'targets[0]'],
    [{ targets: ['http://x/metrics'], timeoutMs: 20_000, intervalMs: 10_000 }, 'timeoutMs'],
    [{ targets: ['http://x/metrics'], limits: { sampleLimit: -1 } }, 'limits.sampleLimit'],
  ])('%j is refused naming %s', (options, field) => {
    expect(() => scrapeSource(options as never)).toThrow(
      expect.objectContaining({
        code: 'ERR_PLUGIN_OPTIONS',
        plugin: 'scrape',
        message: expect.stringContaining(`- ${field}`),
      }),
    );
  });
});

testSource(
  () => scrapeSource({ targets: ['http://127.0.0.1:1/metrics'], intervalMs: 1000, timeoutMs: 500 }),
  {
    title: '@argus/source-prometheus scrapeSource',
    capabilities: { poll: true },
    badOptions: () => scrapeSource({ targets: [] }),
  },
);
