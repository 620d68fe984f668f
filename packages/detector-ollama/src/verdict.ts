import { z } from 'zod';
import { formatOf } from './format.js';

/** One ranked hypothesis of the model, with the evidence it rests on. */
export interface Hypothesis {
  readonly cause: string;
  readonly evidence: readonly string[];
}

/** The model's answer about one finding, after validation. */
export interface ModelVerdict {
  readonly is_anomaly: boolean;
  /** How sure the model is of `is_anomaly`, in [0,1]. */
  readonly confidence: number;
  readonly kind:
    | 'spike'
    | 'dip'
    | 'levelShift'
    | 'trend'
    | 'seasonalDeviation'
    | 'flatline'
    | 'missing'
    | 'other';
  readonly severity: 'info' | 'warning' | 'critical';
  readonly explanation: string;
  /** Two or three, most likely first. */
  readonly hypotheses: readonly Hypothesis[];
}

// Enums and booleans where possible: constrained decoding keeps the shape but not numeric bounds
// (a 0..1 field came back as 4.8e15 from a constrained model), so zod checks every bound after parsing.
export const verdictSchema: z.ZodType<ModelVerdict> = z.object({
  is_anomaly: z.boolean(),
  confidence: z.number().min(0).max(1),
  kind: z.enum(['spike', 'dip', 'levelShift', 'trend', 'seasonalDeviation', 'flatline', 'missing', 'other']),
  severity: z.enum(['info', 'warning', 'critical']),
  explanation: z.string().min(1).max(2_000),
  hypotheses: z
    .array(
      z.object({
        cause: z.string().min(1).max(500),
        evidence: z.array(z.string().min(1).max(500)).min(1).max(5),
      }),
    )
    .min(2)
    .max(3),
});

/** The JSON schema sent as `format` (see {@link formatOf} for what it leaves out). */
export function verdictJsonSchema(): Record<string, unknown> {
  return formatOf(verdictSchema);
}
