import { z } from 'zod';

/** Options every Azure source shares: request timeout and the SDK's retry policy. */
export const requestFields: {
  endpoint: z.ZodOptional<z.ZodURL>;
  requestTimeoutMs: z.ZodDefault<z.ZodNumber>;
  maxRetries: z.ZodDefault<z.ZodNumber>;
  retryDelayMs: z.ZodDefault<z.ZodNumber>;
  partialErrors: z.ZodDefault<z.ZodEnum<{ warn: 'warn'; fail: 'fail' }>>;
} = {
  endpoint: z
    .url({ protocol: /^https$/ })
    .optional()
    .describe(
      'Service endpoint (sovereign clouds, private links, tests); must be https because a bearer token is sent',
    ),
  requestTimeoutMs: z
    .number()
    .int()
    .positive()
    .default(30_000)
    .describe('Deadline of each request including SDK retries, ms; the poll deadline still applies'),
  maxRetries: z
    .number()
    .int()
    .nonnegative()
    .default(3)
    .describe('SDK retries of 408, 429/503 with Retry-After, 5xx and network errors'),
  retryDelayMs: z
    .number()
    .int()
    .positive()
    .default(1_000)
    .describe('Base of the SDK exponential backoff, ms (Retry-After wins when the service sends it)'),
  partialErrors: z
    .enum(['warn', 'fail'])
    .default('warn')
    .describe('A response with partial errors: keep its data and warn, or fail the poll'),
};

/** Parsed form of {@link requestFields}. */
export interface RequestOptions {
  endpoint?: string | undefined;
  requestTimeoutMs: number;
  maxRetries: number;
  retryDelayMs: number;
  partialErrors: 'warn' | 'fail';
}

/** ARM resource id, `/subscriptions/…/resourceGroups/…/providers/…`. */
export const resourceIdSchema: z.ZodString = z
  .string()
  .regex(
    /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/[^/]+\/[^/]+\/[^/]+/i,
    'expected an ARM resource id such as /subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.Compute/virtualMachines/<vm>',
  );
