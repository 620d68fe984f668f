import {
  anomalyRule,
  createAlertManager,
  externalAlerts,
  type Notifier,
  thresholdRule,
} from '@argus/alerting';
import { createPipeline } from '@argus/core';
import { ensembleDetector } from '@argus/detectors';
import { type AzureDeps, azureAlertsSource, azureMetricsSource } from '@argus/source-azure';
import { APP_ID, replayClock, startLocalAzure, VM_ID } from './local-azure.js';

// Live when AZURE_VM_ID and AZURE_APP_ID are set (credentials: DefaultAzureCredential); else a local fake.
const live = Boolean(process.env['AZURE_VM_ID'] && process.env['AZURE_APP_ID']);
const now = Math.floor(Date.now() / 60_000) * 60_000;
const from = now - 6 * 3_600_000;
const local = live ? undefined : await startLocalAzure(now - 30 * 60_000);
const deps: AzureDeps = local?.deps ?? {};
const endpoint = local ? { endpoint: local.endpoint } : {};
const metrics = (name: string, resource: string, namespace: string, names: string[]) =>
  azureMetricsSource(
    {
      name,
      resources: [resource],
      namespace,
      metrics: names,
      aggregations: ['average', 'total'],
      ...endpoint,
    },
    deps,
  );
const vm = metrics('vm', process.env['AZURE_VM_ID'] ?? VM_ID, 'Microsoft.Compute/virtualMachines', [
  'Percentage CPU',
  'Available Memory Bytes',
]);
const web = metrics('web', process.env['AZURE_APP_ID'] ?? APP_ID, 'Microsoft.Web/sites', [
  'Http5xx',
  'HttpResponseTime',
]);

// Rules over the Azure series (`azure_<metric>_<aggregation>`); labels and annotations use the resource's labels.
const on = '{{ $labels.resource_name }} ({{ $labels.resource_group }})';
const rules = [
  thresholdRule({
    alert: 'HighCPU',
    selector: 'azure_percentage_cpu_average',
    threshold: 80,
    resolveThreshold: 70,
    forMs: 5 * 60_000,
    severity: 'warning',
    annotations: { summary: `CPU {{ $value | printf "%.0f" }}% on ${on}` },
  }),
  thresholdRule({
    alert: 'LowMemory',
    selector: 'azure_available_memory_bytes_average',
    op: '<',
    threshold: 500e6,
    forMs: 10 * 60_000,
    severity: 'warning',
    annotations: { summary: `{{ humanize $value }}B free on ${on}` },
  }),
  thresholdRule({
    alert: 'Http5xx',
    selector: 'azure_http5xx_total',
    threshold: 10,
    resolveThreshold: 2,
    forMs: 2 * 60_000,
    severity: 'critical',
    labels: { team: '{{ $labels.resource_group }}-web' },
    annotations: { summary: `{{ $value }} HTTP 5xx a minute on ${on}` },
  }),
  thresholdRule({
    alert: 'SlowResponse',
    selector: 'azure_http_response_time_average',
    threshold: 2,
    resolveThreshold: 1,
    forMs: 5 * 60_000,
    severity: 'warning',
    annotations: { summary: `responses take {{ $value | printf "%.1f" }}s on ${on}` },
  }),
  // what no threshold names: a resource whose averages the ensemble finds anomalous; held 10 min after the last
  anomalyRule({
    alert: 'MetricAnomaly',
    selector: '{aggregation="average"}',
    minScore: 0.8,
    n: 1,
    m: 5,
    keepFiringForMs: 10 * 60_000,
    groupBy: ['resource_id', 'resource_name', 'resource_group'],
    severity: 'info',
    annotations: { summary: `unusual metrics on ${on}` },
  }),
  // Azure Monitor's own alert rules (from the action-group webhook below) go through the same alert manager
  externalAlerts({}),
];

// Notifications printed; swap in webhookNotifier or @argus/notifiers' Slack, Teams, PagerDuty for real ones.
const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);
const printer: Notifier = {
  kind: 'notifier',
  name: 'console',
  async send(n) {
    for (const a of n.alerts) {
      const l = a.labels;
      const when = a.endsAt
        ? `${hhmm(a.startsAt)}–${hhmm(a.endsAt)}`
        : `since ${hhmm(a.startsAt)}: ${a.annotations['summary']}`;
      console.log(
        `[${n.receiver}] ${a.status.toUpperCase()} ${l['alertname']} ${l['resource_name']} (${l['severity']}) ${when}`,
      );
    }
    return { ok: true };
  },
};
// replaying the fake's history, the alert manager runs on the data's time (group_wait, group_interval)
const replay = local ? replayClock(from) : undefined;
const am = createAlertManager({
  ...(replay ? { clock: replay } : {}),
  config: {
    route: { receiver: 'ops', groupBy: ['alertname', 'resource_id'], groupWaitMs: 30_000 },
    receivers: [{ name: 'ops', notifiers: [printer] }],
  },
});

// Azure's own alert rules arrive through an action-group webhook (docs/azure.md), next to Argus's rules
const token = process.env['ARGUS_AZURE_TOKEN'];
const alerts = live && token ? [{ use: azureAlertsSource({ token, listen: { port: 9095 } }) }] : [];
const pipeline = createPipeline({
  sources: [{ use: vm, intervalMs: 60_000 }, { use: web, intervalMs: 60_000 }, ...alerts],
  detectors: [ensembleDetector({ minScore: 0.8 })],
  alerters: rules,
  sinks: [am.sink()],
});

if (local) {
  // against the fake: replay the last six hours (incident 30 minutes ago) and exit
  pipeline.on('progress', (p) => replay?.advance(p.at));
  const summary = await pipeline.runBatch({ from, to: now, stepMs: 60_000, windowMs: 60_000 });
  console.log(
    `replayed ${summary.samples} samples: ${summary.findings} findings, ${summary.alerts} alert changes`,
  );
  await local.close();
} else {
  await pipeline.start();
  process.once('SIGTERM', () => void pipeline.stop({ timeoutMs: 5_000 }));
}
