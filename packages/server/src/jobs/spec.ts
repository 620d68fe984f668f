import { z } from 'zod';

const time = z
  .union([z.number().int().nonnegative(), z.iso.datetime({ offset: true })])
  .describe('ms since epoch or RFC 3339');
const ms = (t: number | string): number => (typeof t === 'number' ? t : Date.parse(t));
const DAY_MS = 86_400_000;

/** `POST /api/analysis/jobs` as received: a rule backtest over a range of the store's history. */
export interface JobBody {
  type: 'backtest';
  rules?: string | undefined;
  expr?: string | undefined;
  intervalMs: number;
  from: number | string;
  to: number | string;
  lookbackMs: number;
  match?: string | undefined;
}

/** Runtime check of the body of `POST /api/analysis/jobs`. */
export const jobBodySchema: z.ZodType<JobBody, Partial<JobBody>> = z
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
    from: time.describe('Start of the range (inclusive): ms since epoch or RFC 3339'),
    to: time.describe('End of the range (exclusive): ms since epoch or RFC 3339'),
    lookbackMs: z
      .number()
      .int()
      .nonnegative()
      .max(7 * DAY_MS)
      .default(3_600_000)
      .describe('History before `from` the job also copies, for range selectors and `for` (ms)'),
    match: z
      .string()
      .min(1)
      .max(10_000)
      .optional()
      .describe('PromQL series selector of the series the rules read; default: every series'),
  })
  .strict();

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
export function toSpec(b: JobBody): BacktestSpec | { field: string; message: string } {
  const from = ms(b.from);
  const to = ms(b.to);
  if (!(from < to)) return { field: 'body.from', message: `must be before to (${from} >= ${to})` };
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
