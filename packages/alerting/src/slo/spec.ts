// The SLO file: objectives over an SLI written in PromQL, validated with zod so that every error names the SLO
// and the field. The shape follows sloth's (service, slos[], sli.events) so a sloth user feels at home.
import { ArgusError } from '@argus/core';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { parseDuration } from '../duration.js';
import type { Slo, SloFile, SloFileInput } from './types.js';

export type { Slo, SloFile, SloFileInput };

const WINDOW_TOKEN = '{{.window}}';
const labelMap = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String));
const withWindow = z
  .string()
  .min(1)
  .refine((q) => q.includes(WINDOW_TOKEN), {
    message: `must contain ${WINDOW_TOKEN} where the range goes, e.g. rate(x[${WINDOW_TOKEN}])`,
  });

const eventsSli = z
  .object({
    /** Good events per second over `{{.window}}`. Give `good` or `errors`, not both. */
    good: withWindow.optional(),
    /** Bad events per second over `{{.window}}`. */
    errors: withWindow.optional(),
    /** All events per second over `{{.window}}`. */
    total: withWindow,
  })
  .strict()
  .refine((e) => (e.good === undefined) !== (e.errors === undefined), {
    message: 'give exactly one of `good` and `errors` next to `total`',
  });

const latencySli = z
  .object({
    /** A classic histogram's base name: `<metric>_bucket` and `<metric>_count` are read. */
    metric: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'must be a metric name'),
    /** Requests at or under this many seconds are good; a bucket with exactly this `le` must exist. */
    thresholdSeconds: z.number().positive(),
    /** Extra matchers, e.g. `job="api"`. */
    matchers: z.string().optional(),
    /** Labels to keep, e.g. `[route]`: one SLI per value. @default [] (one SLI) */
    by: z.array(z.string()).default([]),
  })
  .strict();

const severity = z.object({ labels: labelMap.default({}), disable: z.boolean().default(false) }).strict();

const sloSchema = z
  .object({
    name: z.string().regex(/^[a-zA-Z0-9_-]+$/, 'letters, digits, "_" and "-" only'),
    description: z.string().optional(),
    /** Target in percent, e.g. 99.9. */
    objective: z.number().gt(0).lt(100),
    sli: z.union([z.object({ events: eventsSli }).strict(), z.object({ latency: latencySli }).strict()]),
    labels: labelMap.default({}),
    alerting: z
      .object({
        /** The alerts' name. @default the SLO's name in PascalCase + `BudgetBurn` */
        name: z
          .string()
          .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a valid alert name')
          .optional(),
        labels: labelMap.default({}),
        annotations: z.record(z.string(), z.string()).default({}),
        /** The fast-burn alert; labels add to `severity: critical`. */
        page: severity.default({ labels: {}, disable: false }),
        /** The slow-burn alert; labels add to `severity: warning`. */
        ticket: severity.default({ labels: {}, disable: false }),
      })
      .strict()
      .default({
        labels: {},
        annotations: {},
        page: { labels: {}, disable: false },
        ticket: { labels: {}, disable: false },
      }),
  })
  .strict();

const fileSchema = z
  .object({
    version: z.literal('argus/v1').optional(),
    service: z.string().regex(/^[a-zA-Z0-9_-]+$/, 'letters, digits, "_" and "-" only'),
    /** The SLO period. The SRE workbook's windows and burn rates are scaled to it. @default '30d' */
    window: z.string().default('30d'),
    /** Evaluation interval of the generated groups. @default '30s' */
    interval: z.string().default('30s'),
    labels: labelMap.default({}),
    slos: z.array(sloSchema).min(1),
  })
  .strict();

// the written-out types and the schema must agree in both directions
const _checked: z.ZodType<SloFile, SloFileInput> = fileSchema;
void _checked;

/** The placeholder the SLI queries carry where each window's range goes. */
export const SLI_WINDOW: string = WINDOW_TOKEN;

/**
 * Validates an SLO file (YAML text or an already parsed object); throws `ERR_PIPELINE_CONFIG` naming the field.
 * @example const file = parseSloFile(readFileSync('slo.yaml', 'utf8'), 'slo.yaml');
 */
export function parseSloFile(input: string | SloFileInput, source = 'slo'): SloFile {
  let doc: unknown = input;
  if (typeof input === 'string') {
    try {
      doc = parseYaml(input);
    } catch (err) {
      throw new ArgusError('ERR_PIPELINE_CONFIG', `${source}: not valid YAML: ${(err as Error).message}`);
    }
  }
  const parsed = fileSchema.safeParse(doc);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `  - ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ArgusError('ERR_PIPELINE_CONFIG', `${source}: not an SLO file:\n${issues.join('\n')}`);
  }
  for (const field of ['window', 'interval'] as const) {
    try {
      parseDuration(parsed.data[field], `${source}: ${field}`);
    } catch (err) {
      throw new ArgusError('ERR_PIPELINE_CONFIG', (err as Error).message);
    }
  }
  const names = new Set<string>();
  for (const slo of parsed.data.slos) {
    if (names.has(slo.name))
      throw new ArgusError(
        'ERR_PIPELINE_CONFIG',
        `${source}: two SLOs are named ${JSON.stringify(slo.name)}`,
      );
    names.add(slo.name);
  }
  return parsed.data;
}
