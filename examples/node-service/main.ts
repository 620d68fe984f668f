import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensembleDetector } from '@argus/detectors';
import { startArgus } from '@argus/node';
import { generateLoad } from './load.js';
import { createService } from './service.js';

// One read of the registry per interval; the demo learns for 40 reads, then the load generator causes the incident.
const intervalMs = Number(process.env.DEMO_INTERVAL_MS ?? 500);
const warmupReads = 40;

const service = createService();
await new Promise<void>((r) => service.server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', r));
const { port } = service.server.address() as AddressInfo;

const argus = await startArgus({
  registry: service.registry,
  intervalMs,
  // a fresh data directory per run: a second run would restore baselines that already learned the last incident
  dataDir: process.env.ARGUS_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'argus-node-service-')),
  // a shorter warm-up than the default 140 reads (so the demo takes a minute rather than half an hour), and a
  // shorter quiet period after a finding, so a false alarm while warming up cannot hide the incident
  detectors: [ensembleDetector({ warmupSamples: 30, calibrationSamples: 10, suppressSamples: 10 })],
  notify: { groupWaitMs: 2 * intervalMs, groupIntervalMs: 5 * intervalMs },
});
service.mount('/argus/metrics', argus.metricsHandler);
let phase = 'start';
let caught = 0;
let early = 0;
argus.on('alert', (a) => {
  if (a.labels.alertname !== 'AnomalyDetected' || a.state !== 'firing') return;
  // the incident is the request latency going up while the spike lasts; anything before it is a false alarm
  if (phase.startsWith('traffic spike') && a.labels.series === 'argus:http_request_duration_seconds:mean')
    caught++;
  else if (!phase.startsWith('traffic spike')) early++;
});
console.log(
  `service on http://127.0.0.1:${port} (/work, /metrics, /argus/metrics); Argus reads every ${intervalMs} ms`,
);

const report = await generateLoad(
  `http://127.0.0.1:${port}/work`,
  [
    {
      name: 'normal traffic (learning the baseline)',
      concurrency: 2,
      durationMs: (warmupReads + 5) * intervalMs,
    },
    {
      name: 'traffic spike: 64 requests in flight, the downstream pool of 4 queues',
      concurrency: 64,
      durationMs: 15 * intervalMs,
    },
    { name: 'back to normal', concurrency: 2, durationMs: 5 * intervalMs },
  ],
  {
    maxRequests: 200_000,
    onPhase: (p) => {
      phase = p.name;
      console.log(`load: ${p.name}`);
    },
  },
);
await new Promise((r) => setTimeout(r, 3 * intervalMs)); // let the last notification go out
console.log(
  `load done: ${report.requests} requests; ${caught > 0 ? 'Argus caught the latency incident' : 'no latency alert during the incident'}; ${early} false alarms before it`,
);
await argus.stop();
await new Promise((r) => service.server.close(r));
process.exitCode = caught > 0 ? 0 : 1;
