import type { AlertEvent } from '@argus/core';
import { z } from 'zod';
import { parseResourceId } from './internal/azure.js';

const when = z.string().refine((s) => Number.isFinite(Date.parse(s)), 'an ISO 8601 date-time');

// Lenient where the docs say payloads grow (unknown keys ignored), strict on what the mapping relies on.
const essentials = z.looseObject({
  alertId: z.string().min(1),
  alertRule: z.string().min(1),
  severity: z.enum(['Sev0', 'Sev1', 'Sev2', 'Sev3', 'Sev4']),
  signalType: z.string().optional(),
  monitorCondition: z.enum(['Fired', 'Resolved']),
  monitoringService: z.string().optional(),
  alertTargetIDs: z.array(z.string()).optional(),
  configurationItems: z.array(z.string()).optional(),
  originAlertId: z.string().optional(),
  firedDateTime: when,
  resolvedDateTime: when.optional(),
  description: z.string().nullish(),
  investigationLink: z.string().optional(),
});

/** Schema of an action-group webhook body in the Common Alert Schema. */
export const commonAlertSchema: z.ZodType<CommonAlert> = z.object({
  schemaId: z.literal('azureMonitorCommonAlertSchema'),
  data: z.looseObject({
    essentials,
    alertContext: z.record(z.string(), z.unknown()).nullish(),
    customProperties: z.record(z.string(), z.unknown()).nullish(),
  }),
});

/** The parts of a Common Alert Schema payload that Argus reads. */
export interface CommonAlert {
  schemaId: 'azureMonitorCommonAlertSchema';
  data: {
    essentials: {
      alertId: string;
      alertRule: string;
      severity: 'Sev0' | 'Sev1' | 'Sev2' | 'Sev3' | 'Sev4';
      signalType?: string | undefined;
      monitorCondition: 'Fired' | 'Resolved';
      monitoringService?: string | undefined;
      alertTargetIDs?: string[] | undefined;
      configurationItems?: string[] | undefined;
      originAlertId?: string | undefined;
      firedDateTime: string;
      resolvedDateTime?: string | undefined;
      description?: string | null | undefined;
      investigationLink?: string | undefined;
      [k: string]: unknown;
    };
    alertContext?: Record<string, unknown> | null | undefined;
    customProperties?: Record<string, unknown> | null | undefined;
    [k: string]: unknown;
  };
}

// Azure's own names for the levels (portal and docs): Sev0 Critical … Sev4 Verbose.
const SEVERITY: Record<CommonAlert['data']['essentials']['severity'], string> = {
  Sev0: 'critical',
  Sev1: 'error',
  Sev2: 'warning',
  Sev3: 'informational',
  Sev4: 'verbose',
};

function conditionSummary(ctx: Record<string, unknown> | null | undefined): string | undefined {
  const allOf = (ctx?.['condition'] as { allOf?: unknown } | undefined)?.allOf;
  if (!Array.isArray(allOf)) return undefined;
  const parts = allOf.map((c: Record<string, unknown>) => {
    const metric = c['metricName'] ?? c['searchQuery'] ?? '?';
    const value = c['metricValue'] === undefined ? '' : ` (value ${String(c['metricValue'])})`;
    return `${c['timeAggregation'] ?? ''} ${String(metric)} ${c['operator'] ?? ''} ${c['threshold'] ?? ''}${value}`.trim();
  });
  return parts.join('; ');
}

function annotations(a: CommonAlert): Record<string, string> {
  const e = a.data.essentials;
  const out: Record<string, string> = { alert_id: e.alertId, fired_at: e.firedDateTime };
  if (e.description) out['description'] = e.description;
  const summary = conditionSummary(a.data.alertContext);
  if (summary) out['summary'] = summary;
  if (e.originAlertId) out['origin_alert_id'] = e.originAlertId;
  if (e.configurationItems?.length) out['configuration_items'] = e.configurationItems.join(',');
  for (const [k, v] of Object.entries(a.data.customProperties ?? {}))
    out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return out;
}

/**
 * Turns one Common Alert Schema payload into Argus alert events: one per target resource (or one without a
 * resource). A Resolved without `resolvedDateTime` ends at `now`. Identity (labels) is rule + target, so Fired and Resolved of the same alert share a fingerprint.
 */
export function toAlertEvents(a: CommonAlert, origin: string, now: number): AlertEvent[] {
  const e = a.data.essentials;
  const targets = e.alertTargetIDs?.length ? e.alertTargetIDs : [undefined];
  const base: Record<string, string> = {
    alertname: e.alertRule,
    severity: SEVERITY[e.severity],
    azure_severity: e.severity,
  };
  if (e.signalType) base['signal_type'] = e.signalType;
  if (e.monitoringService) base['monitoring_service'] = e.monitoringService;
  const notes = annotations(a);
  const resolved = e.monitorCondition === 'Resolved';
  const endsAt = resolved && e.resolvedDateTime ? Date.parse(e.resolvedDateTime) : undefined;
  return targets.map((target) => {
    const labels = { ...base };
    const parts = target ? parseResourceId(target) : undefined;
    if (target) labels['resource_id'] = target;
    if (parts) {
      labels['resource_group'] = parts.resourceGroup;
      labels['resource_type'] = parts.resourceType;
      labels['resource_name'] = parts.resourceName;
      labels['subscription_id'] = parts.subscriptionId;
    }
    return {
      labels,
      annotations: notes,
      status: resolved ? 'resolved' : 'firing',
      startsAt: Date.parse(e.firedDateTime),
      ...(resolved ? { endsAt: endsAt ?? now } : {}),
      origin,
      ...(e.investigationLink ? { generatorURL: e.investigationLink } : {}),
    } satisfies AlertEvent;
  });
}
