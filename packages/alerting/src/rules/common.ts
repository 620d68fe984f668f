import { parseMatchers } from '@argus/core';
import { z } from 'zod';
import type { compileTemplate } from '../template.js';

/** Comparison operators of a threshold rule, as in PromQL. */
export type CompareOp = '>' | '>=' | '<' | '<=' | '==' | '!=';

/** Returns whether `v op t` holds (NaN never holds, as in PromQL). */
export function compare(op: CompareOp, v: number, t: number): boolean {
  switch (op) {
    case '>':
      return v > t;
    case '>=':
      return v >= t;
    case '<':
      return v < t;
    case '<=':
      return v <= t;
    case '==':
      return v === t;
    case '!=':
      return v !== t && !Number.isNaN(v);
  }
}

/** Options every rule factory shares (see {@link RuleBaseOptions}). */
export const ruleBase: {
  name: z.ZodOptional<z.ZodString>;
  alert: z.ZodString;
  forMs: z.ZodDefault<z.ZodNumber>;
  keepFiringForMs: z.ZodDefault<z.ZodNumber>;
  severity: z.ZodOptional<z.ZodString>;
  labels: z.ZodDefault<z.ZodRecord<z.ZodString, z.ZodString>>;
  annotations: z.ZodDefault<z.ZodRecord<z.ZodString, z.ZodString>>;
  generatorURL: z.ZodOptional<z.ZodString>;
} = {
  name: z.string().min(1).optional().describe('Plugin name, unique in the pipeline. Default `rule:<alert>`'),
  alert: z
    .string()
    // any label value, as Prometheus allows (awesome-prometheus-alerts has `OracleDbTablespaceFull(>95%)`)
    .min(1, 'must not be empty, e.g. "HighCPU"')
    .describe('The alert name (the `alertname` label)'),
  forMs: z
    .number()
    .int()
    .nonnegative()
    .default(0)
    .describe('How long the condition must hold before firing (`for`), ms'),
  keepFiringForMs: z
    .number()
    .int()
    .nonnegative()
    .default(0)
    .describe('How long to keep firing after the condition stops holding (`keep_firing_for`), ms'),
  severity: z.string().optional().describe('Sets the `severity` label'),
  labels: z
    .record(z.string(), z.string())
    .default({})
    .describe('Labels added to the alert; values are templates (`{{ $labels.job }}`)'),
  annotations: z
    .record(z.string(), z.string())
    .default({})
    .describe('Annotations; templates over `$labels` and `$value`, re-rendered each evaluation'),
  generatorURL: z.string().optional().describe('Link back to the rule, sent with the alert'),
};

/** Labels of a rule with its severity folded in. */
export function ruleLabels(o: {
  labels: Record<string, string>;
  severity?: string | undefined;
}): Record<string, string> {
  return o.severity === undefined ? o.labels : { ...o.labels, severity: o.severity };
}

/** A PromQL series selector, checked with `parseMatchers` when the options are parsed. */
export const selectorSchema: z.ZodString = z
  .string()
  .min(1)
  .check((ctx) => {
    try {
      parseMatchers(ctx.value);
    } catch (err) {
      ctx.issues.push({ code: 'custom', message: (err as Error).message, input: ctx.value });
    }
  }) as unknown as z.ZodString;

/** Options every rule factory takes. */
export interface RuleBaseOptions {
  /** Plugin name, unique in the pipeline. @default `rule:<alert>` */
  name?: string;
  /** The alert name (the `alertname` label). */
  alert: string;
  /** How long the condition must hold before pending becomes firing (`for`). @default 0 */
  forMs?: number;
  /** How long a firing alert keeps firing after the condition stops holding (`keep_firing_for`). @default 0 */
  keepFiringForMs?: number;
  /** Sets the `severity` label. */
  severity?: string;
  /** Labels added to the alert; values are templates (see {@link compileTemplate}). */
  labels?: Record<string, string>;
  /** Annotations; Go templates as Prometheus renders them (`$labels`, `$value`, …), re-rendered at each state change. */
  annotations?: Record<string, string>;
  /** Link back to the rule, sent with the alert. */
  generatorURL?: string;
}

/** {@link RuleBaseOptions} after defaults. */
export interface RuleBaseParsed {
  name?: string | undefined;
  alert: string;
  forMs: number;
  keepFiringForMs: number;
  severity?: string | undefined;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  generatorURL?: string | undefined;
}
