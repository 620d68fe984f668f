import { describe, expect, it } from 'vitest';
import { azureLogsSource, azureMetricsSource, discoverMetricDefinitions } from '../src/index.js';
import { ctxAt, rows } from './helpers.js';

// Opt-in: runs against a real subscription only when these are set (see README "Tests"); skipped otherwise.
const env = process.env;
const resource = env['AZURE_TEST_RESOURCE_ID'];
const hasCredential = Boolean(env['AZURE_CLIENT_SECRET'] || env['ARGUS_AZURE_LIVE'] === '1');
const live = Boolean(resource && hasCredential);

describe.skipIf(!live)('live Azure Monitor (AZURE_TEST_RESOURCE_ID)', () => {
  it('discovers metric definitions and reads the last hour of a metric', async () => {
    const defs = await discoverMetricDefinitions(resource!);
    expect(defs.length).toBeGreaterThan(0);
    const metric = env['AZURE_TEST_METRIC'] ?? 'Percentage CPU';
    const type = resource!.split('/providers/')[1]!.split('/').slice(0, 2).join('/');
    const src = azureMetricsSource({
      resources: [resource!],
      namespace: type,
      metrics: [metric],
      lookbackMs: 3_600_000,
    });
    const { ctx } = ctxAt(Date.now());
    const got = rows(ctx, [(await src.poll!(ctx)) as never]);
    expect(got.length).toBeGreaterThan(0);
    expect(got[0]!.labels['resource_id']).toBe(resource);
  }, 60_000);

  it.skipIf(!env['AZURE_TEST_WORKSPACE_ID'])(
    'runs a KQL query against the workspace',
    async () => {
      const src = azureLogsSource({
        workspaceId: env['AZURE_TEST_WORKSPACE_ID']!,
        query: 'Heartbeat | summarize beats = count() by bin(TimeGenerated, 5m)',
        lookbackMs: 3_600_000,
        delayMs: 0,
      });
      const { ctx, log } = ctxAt(Date.now());
      await src.poll!(ctx);
      expect(log.lines.filter((l) => l.startsWith('warn'))).toEqual([]);
    },
    60_000,
  );
});
