import {
  type Alert,
  type Alerter,
  defineAlerter,
  eventToAlert,
  type Factory,
  type LabelMatcher,
  matchesLabels,
  parseMatchers,
} from '@argus/core';
import { z } from 'zod';
import { selectorSchema } from './common.js';

/** Options of {@link externalAlerts}. */
export interface ExternalAlertsOptions {
  /** Only events whose labels match this selector. @default every event */
  selector?: string;
  /** Plugin name. @default 'external-alerts' */
  name?: string;
}

interface Parsed {
  selector?: string | undefined;
  name?: string | undefined;
}

const schema: z.ZodType<Parsed, ExternalAlertsOptions> = z.strictObject({
  selector: selectorSchema.optional().describe('Only events whose labels match this selector'),
  name: z.string().min(1).optional().describe('Plugin name'),
});

/**
 * Passes alerts raised by other systems (a source's `alertEvents`: Azure Monitor, Prometheus, …) through as Argus
 * alerts, so the alert manager routes, groups and notifies them with Argus's own. The pipeline hands events to its
 * alerters when it has any; without this alerter beside rule alerters, external events would stop there.
 * @example createPipeline({ sources: [azureAlerts], alerters: [rule, externalAlerts()], sinks: [am.sink()] })
 */
export const externalAlerts: Factory<z.ZodType<Parsed, ExternalAlertsOptions>, Alerter> = defineAlerter({
  name: 'external-alerts',
  options: schema,
  create(o) {
    const matchers: LabelMatcher[] = o.selector ? parseMatchers(o.selector) : [];
    return {
      ...(o.name ? { name: o.name } : {}),
      evaluate(input) {
        const out: Alert[] = [];
        for (const e of input.events ?? []) {
          if (matchesLabels(matchers, e.labels)) out.push(eventToAlert(e));
        }
        return out;
      },
    };
  },
});
