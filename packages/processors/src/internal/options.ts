import { type LabelMatcher, parseMatchers } from '@argus/core';
import { z } from 'zod';

/** The optional `name` every processor accepts: needed to use one factory twice in a pipeline. */
export const nameOption: z.ZodOptional<z.ZodString> = z
  .string()
  .min(1)
  .optional()
  .describe('Plugin name, unique within a pipeline; set it when the same processor is used twice');

/**
 * Parses one selector or a list of them, at option-parsing time, so a syntax error becomes an
 * `ERR_PLUGIN_OPTIONS` issue naming the field (and the list index).
 */
export function parseSelectors(input: string | string[], ctx: z.RefinementCtx): LabelMatcher[][] {
  const list = typeof input === 'string' ? [input] : input;
  const out: LabelMatcher[][] = [];
  list.forEach((s, i) => {
    try {
      out.push(parseMatchers(s));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      ctx.issues.push({ code: 'custom', message, input: s, path: typeof input === 'string' ? [] : [i] });
    }
  });
  return out;
}

/** A duration or step in ms: a positive integer. */
export const positiveMs: z.ZodNumber = z.number().int().positive();
