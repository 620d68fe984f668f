import { z } from 'zod';
import type { BatchBody } from './batch-spec.js';
import { JOB_DETECTORS } from './detectors.js';
import { DAY_MS, rangeOf, bodyTime as time } from './times.js';

/** `POST /api/analysis/jobs` as received, for a rule backtest over a range of the store's history. */
export interface BacktestBody {
  type: 'backtest';
  rules?: string | undefined;
  expr?: string | undefined;
  intervalMs: number;
  from: number | string;
  to: number | string;
  lookbackMs: number;
  match?: string | undefined;
}

/** `POST /api/analysis/jobs` as received: a rule backtest or a batch run of detectors. */
export type JobBody = BacktestBody | BatchBody;

/** `from`, `to` and `lookbackMs`, the range every job's body gives. */
const rangeFields = (lookbackDefaultMs: number, lookbackWhy: string) => ({
  from: time.describe('Start of the range (inclusive): ms since epoch or RFC 3339'),
  to: time.describe('End of the range (exclusive): ms since epoch or RFC 3339'),
  lookbackMs: z
    .number()
    .int()
    .nonnegative()
    .max(7 * DAY_MS)
    .default(lookbackDefaultMs)
    .describe(lookbackWhy),
});

const matchField = (what: string) =>
  z
    .string()
    .min(1)
    .max(10_000)
    .optional()
    .describe(`PromQL series selector of ${what}; default: every series`);

const backtestBody = z
  .object({
    type: z.literal('backtest').describe('The kind of job: a rule backtest'),
    rules: z
      .string()
      .min(1)
      .max(1_000_000)
      .optional()
      .describe('A Prometheus rule file (YAML or JSON) whose groups are replayed at their intervals'),
    expr: z
      .string()
      .min(1)
      .max(10_000)
      .optional()
      .describe('Instead of `rules`: one PromQL expression, run as an alerting rule named `expr`'),
    intervalMs: z
      .number()
      .int()
      .min(1000)
      .max(DAY_MS)
      .default(60_000)
      .describe('Evaluation interval of the `expr` rule, in ms'),
    ...rangeFields(
      3_600_000,
      'History before `from` the job also copies, for range selectors and `for` (ms)',
    ),
    match: matchField('the series the rules read'),
  })
  .strict();

const batchBody = z
  .object({
    type: z.literal('batch').describe('The kind of job: a batch run of detectors'),
    detectors: z
      .array(
        z
          .object({
            use: z.enum(JOB_DETECTORS).describe('Detector name, as in a config file'),
            options: z.record(z.string(), z.unknown()).optional().describe("The detector's options"),
          })
          .strict(),
      )
      .min(1)
      .max(20)
      .optional()
      .describe('Detectors to run; default: the detectors of the configuration in force'),
    ...rangeFields(
      0,
      'History before `from` replayed first to warm the detectors up; its findings are not kept (ms)',
    ),
    match: matchField('the series to analyse'),
    maxFindings: z
      .number()
      .int()
      .positive()
      .max(100_000)
      .default(10_000)
      .describe('Findings kept in the result (the first, in time order); every finding is still counted'),
  })
  .strict();

/** Runtime check of the body of `POST /api/analysis/jobs`: the fields of the job's `type`. */
export const jobBodySchema: z.ZodType<JobBody, Partial<BacktestBody> | Partial<BatchBody>> =
  z.discriminatedUnion('type', [backtestBody, batchBody]);

/** What a worker is given: the rule file and the range, times resolved to ms. */
export interface BacktestSpec {
  readonly type: 'backtest';
  /** Rule file text (YAML or JSON). */
  readonly rules: string;
  /** Where the rules came from, for messages: `body.rules` or `body.expr`. */
  readonly source: string;
  readonly from: number;
  readonly to: number;
  readonly lookbackMs: number;
}

/** The body as a {@link BacktestSpec}, or a message naming the field that is wrong and the fix. */
export function toSpec(b: BacktestBody): BacktestSpec | { field: string; message: string } {
  const r = rangeOf(b);
  if ('field' in r) return r;
  const { from, to } = r;
  if ((b.rules === undefined) === (b.expr === undefined))
    return { field: 'body.rules', message: 'give either `rules` (a rule file) or `expr` (one expression)' };
  const rules =
    b.rules ??
    JSON.stringify({
      groups: [{ name: 'backtest', interval: `${b.intervalMs}ms`, rules: [{ alert: 'expr', expr: b.expr }] }],
    });
  const source = b.rules === undefined ? 'body.expr' : 'body.rules';
  return { type: 'backtest', rules, source, from, to, lookbackMs: b.lookbackMs };
}
