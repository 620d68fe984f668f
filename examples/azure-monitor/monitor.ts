import { consoleSink, ewmaDetector, scoreThresholdAlerter } from '@argus/cli';
import { createPipeline } from '@argus/core';
import { type AzureDeps, azureAlertsSource, azureMetricsSource } from '@argus/source-azure';
import { APP_ID, startLocalAzure, VM_ID } from './local-azure.js';

// Live when AZURE_VM_ID and AZURE_APP_ID are set (credentials: DefaultAzureCredential); else a local fake.
const live = Boolean(process.env['AZURE_VM_ID'] && process.env['AZURE_APP_ID']);
const now = Math.floor(Date.now() / 60_000) * 60_000;
const local = live ? undefined : await startLocalAzure(now - 30 * 60_000);
const deps: AzureDeps = local?.deps ?? {};
const endpoint = local ? { endpoint: local.endpoint } : {};

const vm = azureMetricsSource(
  {
    name: 'vm',
    resources: [process.env['AZURE_VM_ID'] ?? VM_ID],
    namespace: 'Microsoft.Compute/virtualMachines',
    metrics: ['Percentage CPU', 'Available Memory Bytes'],
    ...endpoint,
  },
  deps,
);
const web = azureMetricsSource(
  {
    name: 'web',
    resources: [process.env['AZURE_APP_ID'] ?? APP_ID],
    namespace: 'Microsoft.Web/sites',
    metrics: ['Http5xx', 'HttpResponseTime'],
    aggregations: ['total', 'average'],
    ...endpoint,
  },
  deps,
);
// Azure's own alert rules arrive through an action-group webhook (docs/azure.md), next to Argus's anomaly alerts
const token = process.env['ARGUS_AZURE_TOKEN'];
const alerts = live && token ? [{ use: azureAlertsSource({ token, listen: { port: 9095 } }) }] : [];
const pipeline = createPipeline({
  sources: [{ use: vm, intervalMs: 60_000 }, { use: web, intervalMs: 60_000 }, ...alerts],
  detectors: [ewmaDetector({ threshold: 5, warmupPoints: 30 })],
  alerters: [
    scoreThresholdAlerter({
      forPoints: 2,
      alertnames: {
        azure_percentage_cpu_average: 'HighCPU',
        azure_http5xx_total: 'Http5xxBurst',
        azure_http_response_time_average: 'SlowResponses',
      },
    }),
  ],
  sinks: [consoleSink({ findings: false })],
});

if (local) {
  // against the fake: replay the last six hours (incident 30 minutes ago) and exit
  const summary = await pipeline.runBatch({ from: now - 6 * 3_600_000, to: now, stepMs: 60_000 });
  console.log(
    `replayed ${summary.samples} samples: ${summary.findings} findings, ${summary.alerts} alert changes`,
  );
  await local.close();
} else {
  await pipeline.start();
  process.once('SIGTERM', () => void pipeline.stop({ timeoutMs: 5_000 }));
}
