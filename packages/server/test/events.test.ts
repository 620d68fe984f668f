import { connect } from 'node:net';
import { createPipeline, type Pipeline, type Source, silentLogger } from '@argus/core';
import { madDetector } from '@argus/detectors';
import { createStore, storeSource } from '@argus/store';
import { afterEach, expect, it } from 'vitest';
import { auth, firing, SECRETS, type TestServer, testServer } from './helpers.js';

let s: TestServer | undefined;
const pipelines: Pipeline[] = [];
afterEach(async () => {
  await s?.close();
  for (const p of pipelines.splice(0)) await p.stop();
  s = undefined;
});

/** Resolves once `cond` holds, checking after each turn of the event loop (bounded by the test timeout). */
async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 5));
}

/**
 * Reads SSE frames from a fetch response until `want` frames of `event` arrived. Every frame read goes to the
 * server's `seen` list, so its secret check at close covers the stream too.
 */
async function frames(res: Response, event: string, want: number): Promise<{ id: number; data: unknown }[]> {
  const out: { id: number; data: unknown }[] = [];
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  while (out.length < want) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += value;
    let end = buf.indexOf('\n\n');
    while (end >= 0) {
      const block = buf.slice(0, end);
      buf = buf.slice(end + 2);
      s?.seen.push(block);
      const id = /^id: (\d+)$/m.exec(block)?.[1];
      const ev = /^event: (.+)$/m.exec(block)?.[1];
      const data = /^data: (.+)$/m.exec(block)?.[1];
      if (id && ev === event && data) out.push({ id: Number(id), data: JSON.parse(data) });
      end = buf.indexOf('\n\n');
    }
  }
  await reader.cancel();
  return out;
}

it('streams alert history as Server-Sent Events and resumes after Last-Event-ID', async () => {
  s = await testServer();
  const url = await s.app.listen({ host: '127.0.0.1', port: 0 });
  const h = auth(s.tokens.viewer);
  expect((await fetch(`${url}/api/events`)).status).toBe(401);
  const res = await fetch(`${url}/api/events`, { headers: h });
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  await until(() => s!.app.argus.events().clients === 1);
  s.am.ingest([firing({ alertname: 'First' })]);
  s.am.ingest([firing({ alertname: 'Second' })]);
  const got = await frames(res, 'history', 2);
  expect(got.map((f) => (f.data as { labels: { alertname: string } }).labels.alertname)).toEqual([
    'First',
    'Second',
  ]);
  const again = await fetch(`${url}/api/events`, { headers: { ...h, 'last-event-id': String(got[0]!.id) } });
  const resumed = await frames(again, 'history', 1);
  expect(resumed).toEqual([got[1]]);
});

it('cuts off a client that never reads, without holding up the alert manager', async () => {
  s = await testServer({ sseBacklog: 50 });
  const url = new URL(await s.app.listen({ host: '127.0.0.1', port: 0 }));
  const sock = connect(Number(url.port), '127.0.0.1');
  sock.write(`GET /api/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${s.tokens.viewer}\r\n\r\n`);
  sock.pause(); // never reads: its kernel buffers fill, then its backlog
  await until(() => s!.app.argus.events().clients === 1);
  const big = 'x'.repeat(8192);
  // 40 MB of events, far past what loopback socket buffers and a 50-frame backlog hold; every ingest returns
  for (let i = 0; i < 5000; i++) s.am.ingest([firing({ alertname: 'Burst', i: String(i), blob: big })]);
  expect(s.am.alerts()).toHaveLength(5000);
  expect(s.app.argus.events()).toEqual({ clients: 0, dropped: 1 });
  sock.destroy();
  // a reader that keeps up still gets what happens next
  const res = await fetch(`${url.origin}/api/events`, { headers: auth(s.tokens.viewer) });
  await until(() => s!.app.argus.events().clients === 1);
  s.am.ingest([firing({ alertname: 'After' })]);
  const [f] = await frames(res, 'history', 1);
  expect((f!.data as { labels: { alertname: string } }).labels.alertname).toBe('After');
}, 60_000);

it('streams the pipeline’s findings with their series labels, and the health of a reloaded pipeline’s sources', async () => {
  const T0 = Date.parse('2026-11-30T00:00:00Z');
  const store = createStore();
  for (let i = 0; i < 120; i++)
    store.append(
      { __name__: 'latency', service: 'api' },
      T0 + i * 15_000,
      i === 100 ? 50 : 1 + 0.1 * Math.sin(i),
    );
  const down: Source = {
    kind: 'source',
    name: 'unreachable',
    apiVersion: 1,
    poll: () => {
      throw new Error('connection refused');
    },
  };
  const pipeline = createPipeline({
    logger: silentLogger,
    sources: [storeSource(store)],
    detectors: [madDetector({})],
  });
  const reloaded = createPipeline({ logger: silentLogger, sources: [{ use: down, intervalMs: 3_600_000 }] });
  pipelines.push(pipeline, reloaded);
  s = await testServer({ pipeline });
  const url = await s.app.listen({ host: '127.0.0.1', port: 0 });
  const h = auth(s.tokens.viewer);
  const findings = await fetch(`${url}/api/events`, { headers: h });
  const health = await fetch(`${url}/api/events`, { headers: h });
  await until(() => s!.app.argus.events().clients === 2);
  await pipeline.runBatch({ from: T0, to: T0 + 120 * 15_000, stepMs: 15_000 });
  const [f] = await frames(findings, 'finding', 1);
  expect(f!.data).toMatchObject({
    detector: 'mad',
    timestamp: T0 + 100 * 15_000,
    labels: { __name__: 'latency', service: 'api' },
  });
  s.app.argus.replace({ pipeline: reloaded });
  await reloaded.start();
  const [hf] = await frames(health, 'health', 1);
  expect(hf!.data).toMatchObject({ source: 'unreachable', up: false });
});

it('shows no configured secret in SSE frames: a source error carrying two is redacted', async () => {
  const leaky: Source = {
    kind: 'source',
    name: 'leaky',
    apiVersion: 1,
    poll: () => {
      throw new Error(`GET ${SECRETS.webhook} failed: bad password ${SECRETS.password}`);
    },
  };
  const pipeline = createPipeline({ logger: silentLogger, sources: [{ use: leaky, intervalMs: 3_600_000 }] });
  pipelines.push(pipeline);
  s = await testServer({ pipeline });
  const url = await s.app.listen({ host: '127.0.0.1', port: 0 });
  const health = await fetch(`${url}/api/events`, { headers: auth(s.tokens.viewer) });
  await until(() => s!.app.argus.events().clients === 1);
  await pipeline.start();
  const [hf] = await frames(health, 'health', 1);
  expect(hf!.data).toMatchObject({ source: 'leaky', up: false });
  expect((hf!.data as { lastError: string }).lastError).toContain('<secret>');
  const seen = s.seen.join('\n');
  for (const secret of Object.values(SECRETS)) expect(seen).not.toContain(secret);
});
