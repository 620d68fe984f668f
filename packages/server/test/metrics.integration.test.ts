// GET /metrics (issue 17): the server's and the pipeline's own metrics, scraped by a real Prometheus 2.42 with a
// viewer token (metricsAuth: 'read'), then read back through Prometheus's query API.
import { createPipeline, type Pipeline, silentLogger } from '@argus/core';
import {
  describeWithBinary,
  manualSource,
  memorySink,
  type RunningServer,
  startPrometheus,
} from '@argus/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { auth, type TestServer, testServer } from './helpers.js';

let s: TestServer;
let prom: RunningServer | undefined;
let pipeline: Pipeline;
let port: number;
const src = manualSource({ name: 'pushed' });
const sink = memorySink({ name: 'kept' });

beforeAll(async () => {
  pipeline = createPipeline({ logger: silentLogger, sources: [src], sinks: [sink] });
  await pipeline.start();
  s = await testServer({ pipeline, metricsAuth: 'read' });
  const url = await s.app.listen({ host: '127.0.0.1', port: 0 });
  port = Number(new URL(url).port);
});
afterAll(async () => {
  await prom?.stop();
  await s?.close();
  await pipeline?.stop();
});

const config = (token: string): string => `
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: argus
    authorization:
      credentials: ${token}
    static_configs:
      - targets: ['127.0.0.1:${port}']
`;

/** One instant query of the real Prometheus: value by the labels asked for, once the series is there. */
async function query(expr: string): Promise<number> {
  for (;;) {
    const res = await fetch(`http://127.0.0.1:${prom!.port}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await res.json()) as { data: { result: { value: [number, string] }[] } };
    if (body.data.result.length > 0) return Number(body.data.result[0]!.value[1]);
    // Prometheus scrapes first a few seconds after its start: poll, bounded by the test timeout
    await new Promise((r) => setTimeout(r, 250));
  }
}

describeWithBinary([{ bin: 'prometheus', pkg: 'prometheus' }], 'Prometheus 2.42 scraping /metrics', () => {
  it('scrapes requests by route and code, auth failures, plugin counters, pipeline state, jobs and events', async () => {
    const base = `http://127.0.0.1:${port}`;
    const viewer = auth(s.tokens.viewer);
    for (let i = 0; i < 3; i++)
      expect((await fetch(`${base}/api/alerts`, { headers: viewer })).status).toBe(200);
    expect((await fetch(`${base}/api/alerts`)).status).toBe(401);
    expect((await fetch(`${base}/metrics`)).status).toBe(401); // metricsAuth: 'read'
    const forbidden = await fetch(`${base}/api/v2/silences`, {
      method: 'POST',
      headers: { ...viewer, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(forbidden.status).toBe(403);
    await src.pushSamples([1, 2, 3, 4, 5].map((v) => ({ labels: { __name__: 'x' }, value: v })));
    await sink.waitFor((k) => k.samples().length === 5);

    prom = await startPrometheus({ config: config(s.tokens.viewer) });
    expect(await query('up{job="argus"}')).toBe(1); // the exposition parsed
    expect(await query('argus_http_requests_total{handler="/api/alerts",method="GET",code="200"}')).toBe(3);
    expect(await query('argus_http_requests_total{handler="/api/alerts",code="401"}')).toBe(1);
    expect(await query('argus_http_auth_failures_total{reason="unauthenticated"}')).toBe(2);
    expect(await query('argus_http_auth_failures_total{reason="forbidden"}')).toBe(1);
    const stats = pipeline.stats().plugins;
    expect(stats['kept']!.received).toBe(5);
    expect(await query('argus_plugin_received_total{plugin="kept",kind="sink"}')).toBe(5);
    expect(await query('argus_plugin_sent_total{plugin="pushed",kind="source"}')).toBe(stats['pushed']!.sent);
    expect(await query('argus_plugin_queue_depth{plugin="kept"}')).toBe(0);
    expect(await query('argus_pipeline_running')).toBe(1);
    expect(await query('argus_analysis_jobs_running')).toBe(0);
    expect(await query('argus_events_clients')).toBe(0);
    expect(await query('argus_http_request_duration_seconds_count{handler="/api/alerts",method="GET"}')).toBe(
      4,
    );
  }, 90_000);
});
