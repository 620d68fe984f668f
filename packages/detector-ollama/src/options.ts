import { parseMatchers } from '@argus/core';
import { z } from 'zod';
import type { OllamaHistory } from './history.js';
import type { ValueMode } from './render.js';

/** Per-minute budget of the model's work; past it findings pass through unjudged (`overBudget`). */
export interface OllamaBudget {
  /** Prompt plus answer tokens per minute (as the server counts them). @default 20000 */
  tokensPerMinute?: number;
  /** Wall time spent in model calls per minute, summed over concurrent calls. @default 120000 */
  callMsPerMinute?: number;
}

/** Circuit breaker: after `failures` consecutive failed calls, no call is made for `cooldownMs`. */
export interface OllamaBreaker {
  /** Consecutive transport failures or timeouts that open the circuit. @default 3 */
  failures?: number;
  /** How long the circuit stays open before one trial call. @default 30000 */
  cooldownMs?: number;
}

/** What the judgement summary holds besides the finding; see {@link OllamaDetectorOptions.summary}. */
export interface OllamaSummary {
  /** Length of the recent window sent (and of each seasonal window). @default 3600000 */
  windowMs?: number;
  /** Buckets of the recent window, each sent as its min and max (extremes are kept). @default 32 */
  points?: number;
  /** The same window this much earlier is sent too, where the history holds it. @default [86400000, 604800000] */
  seasonalOffsetsMs?: number[];
  /** Series sharing the values of these labels with the finding's series are related. @default ['instance', 'job'] */
  relatedBy?: string[];
  /** Related series sent, at most. @default 5 */
  relatedMax?: number;
  /** Token budget of the summary (about 4 characters a token); parts are trimmed to fit. @default 1000 */
  maxTokens?: number;
}

/** Judgement on a schedule, with no candidate finding; see {@link OllamaDetectorOptions.schedule}. */
export interface OllamaSchedule {
  /** Selectors of the series to judge, e.g. `['disk_used_ratio{instance="db-1"}']`. */
  series: string[];
  /** How often each selected series is judged. */
  intervalMs: number;
  /** Series judged per round, at most (the rest wait for the next round). @default 20 */
  maxSeries?: number;
}

/** Options of {@link ollamaDetector}. */
export interface OllamaDetectorOptions {
  /** Plugin name; unique within a pipeline. @default 'ollama' */
  name?: string;
  /** Model to ask, as `ollama list` names it (e.g. `qwen2.5:3b`). */
  model: string;
  /** Ollama server. @default the OLLAMA_HOST environment variable, else http://127.0.0.1:11434 */
  host?: string;
  /** Ollama `options` of every chat call (temperature, num_ctx, num_predict, seed, …). @default { temperature: 0, num_predict: 512 } */
  modelOptions?: Record<string, unknown>;
  /** How long the server keeps the model loaded after a call (Go duration or seconds). @default '5m' */
  keepAlive?: string | number;
  /** Ask for a streamed answer (NDJSON) instead of one object. @default false */
  stream?: boolean;
  /** Deadline of one model call; local models are slow, keep it generous. @default 60000 */
  timeoutMs?: number;
  /** Deadline of the `/api/tags` check at start and of each background retry. @default 5000 */
  probeTimeoutMs?: number;
  /** Interval of the background `/api/tags` retry while the server is unreachable. @default 30000 */
  probeIntervalMs?: number;
  /** Model calls in flight at once, over all judge calls. @default 1 */
  concurrency?: number;
  /** Only findings with at least this score are sent to the model. @default 0.5 */
  minScore?: number;
  budget?: OllamaBudget;
  breaker?: OllamaBreaker;
  /** Verdicts are cached per series and window of this length. @default 300000 */
  cacheWindowMs?: number;
  /** Cached verdicts kept, at most (oldest evicted). @default 1000 */
  cacheMaxEntries?: number;
  /** Labels whose values are replaced by a stable hash before anything is sent. @default [] */
  anonymizeLabels?: string[];
  /** Labels left out of what is sent. @default [] */
  dropLabels?: string[];
  /** Replaces the system prompt (the data framing and the answer schema are appended by the plugin). */
  systemPrompt?: string;
  /** Log every request body sent to the server at info level (the log of exactly what left the process). @default false */
  logRequests?: boolean;
  /** Replaces the system prompt of trend reports (the data framing is appended by the plugin). */
  trendPrompt?: string;
  /** Replaces the system prompt for forecast findings (`forecastBreach`, e.g. from trendDetector's crossAbove). */
  forecastPrompt?: string;
  /** Replaces the system prompt of alert-group recommendations. */
  recommendPrompt?: string;
  /**
   * What a verdict does to the finding's score (which alert rules read): `revise` sets it to the model's
   * probability of an anomaly; `enrich` leaves it (the verdict is information only); `confirmOrUnavailable`
   * leaves it unless the model dismisses the finding, which sets it to 0 — "page when the model confirms, or
   * when it cannot answer". @default 'revise'
   */
  policy?: VerdictPolicy;
  /**
   * Where the judgement summary's history comes from (an `@argus/store` Store fits): the recent window, the
   * same window a day or a week earlier, related series. Without it only the finding is sent.
   */
  history?: OllamaHistory;
  /** Shape and token budget of the judgement summary. */
  summary?: OllamaSummary;
  /**
   * What is sent of metric values: `raw`; `relative` (divided by the expected value, so no magnitudes leave
   * the process); `omit` (none; digits in reason texts are masked in both). The analyst applies it too: trend
   * reports send each series scaled by its own mean (`relative`) or only directions (`omit`), recommendations
   * mask the digits of alert annotations; the reports it returns keep Argus's raw numbers. @default 'raw'
   */
  values?: ValueMode;
  /** Judges chosen series periodically even without a finding (needs `history`); budgeted like every call. */
  schedule?: OllamaSchedule;
}

/** See {@link OllamaDetectorOptions.policy}. */
export type VerdictPolicy = 'revise' | 'enrich' | 'confirmOrUnavailable';

/** The options after defaults. */
export type ParsedOptions = Required<
  Omit<
    OllamaDetectorOptions,
    | 'host'
    | 'systemPrompt'
    | 'trendPrompt'
    | 'forecastPrompt'
    | 'recommendPrompt'
    | 'budget'
    | 'breaker'
    | 'history'
    | 'summary'
    | 'schedule'
  >
> & {
  history?: OllamaHistory;
  summary: Required<OllamaSummary>;
  schedule?: Required<OllamaSchedule>;
  host?: string;
  systemPrompt?: string;
  trendPrompt?: string;
  forecastPrompt?: string;
  recommendPrompt?: string;
  budget: Required<OllamaBudget>;
  breaker: Required<OllamaBreaker>;
};

const SUMMARY_DEFAULTS: Required<OllamaSummary> = {
  windowMs: 3_600_000,
  points: 32,
  seasonalOffsetsMs: [86_400_000, 604_800_000],
  relatedBy: ['instance', 'job'],
  relatedMax: 5,
  maxTokens: 1_000,
};

function isSelector(s: string): boolean {
  try {
    return parseMatchers(s).length > 0;
  } catch {
    return false;
  }
}

const positiveInt = (): z.ZodNumber => z.number().int().positive();
const label = z.string().min(1);

// isolatedDeclarations wants the schema's type spelled out: output type first, input type second
export const optionsSchema: z.ZodType<ParsedOptions, OllamaDetectorOptions> = z
  .strictObject({
    name: z.string().default('ollama').describe('Plugin name; unique within a pipeline'),
    model: z.string().min(1).describe('Model to ask, as `ollama list` names it (e.g. `qwen2.5:3b`)'),
    host: z
      .string()
      .min(1)
      .optional()
      .describe('Ollama server; default: OLLAMA_HOST, else http://127.0.0.1:11434'),
    modelOptions: z
      .record(z.string(), z.unknown())
      .default({ temperature: 0, num_predict: 512 })
      .describe('Ollama `options` of every chat call'),
    keepAlive: z.union([z.string(), z.number()]).default('5m').describe('How long the model stays loaded'),
    stream: z.boolean().default(false).describe('Ask for a streamed answer'),
    timeoutMs: positiveInt().default(60_000).describe('Deadline of one model call'),
    probeTimeoutMs: positiveInt().default(5_000).describe('Deadline of the /api/tags check'),
    probeIntervalMs: positiveInt()
      .default(30_000)
      .describe('Background /api/tags retry interval while unreachable'),
    concurrency: positiveInt().max(64).default(1).describe('Model calls in flight at once'),
    minScore: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe('Only findings with at least this score are judged'),
    budget: z
      .strictObject({
        tokensPerMinute: positiveInt().default(20_000),
        callMsPerMinute: positiveInt().default(120_000),
      })
      .default({ tokensPerMinute: 20_000, callMsPerMinute: 120_000 })
      .describe('Per-minute budget of tokens and call time'),
    breaker: z
      .strictObject({ failures: positiveInt().default(3), cooldownMs: positiveInt().default(30_000) })
      .default({ failures: 3, cooldownMs: 30_000 })
      .describe('Circuit breaker'),
    cacheWindowMs: positiveInt().default(300_000).describe('Verdicts are cached per series and window'),
    cacheMaxEntries: z.number().int().min(0).default(1_000).describe('Cached verdicts kept, at most'),
    anonymizeLabels: z.array(label).default([]).describe('Labels whose values are hashed before sending'),
    dropLabels: z.array(label).default([]).describe('Labels left out of what is sent'),
    systemPrompt: z.string().min(1).optional().describe('Replaces the system prompt'),
    logRequests: z.boolean().default(false).describe('Log every request body sent'),
    trendPrompt: z.string().min(1).optional().describe('Replaces the system prompt of trend reports'),
    forecastPrompt: z.string().min(1).optional().describe('Replaces the system prompt for forecast findings'),
    recommendPrompt: z.string().min(1).optional().describe('Replaces the system prompt of recommendations'),
    policy: z
      .enum(['revise', 'enrich', 'confirmOrUnavailable'])
      .default('revise')
      .describe("What a verdict does to the finding's score"),
    history: z
      .custom<OllamaHistory>(
        (h) => typeof (h as OllamaHistory | null)?.range === 'function',
        'an object with a range() method, e.g. an @argus/store Store',
      )
      .optional()
      .describe('History of the judgement summary (e.g. an @argus/store Store)'),
    summary: z
      .strictObject({
        windowMs: positiveInt().default(3_600_000),
        points: positiveInt().max(256).default(32),
        seasonalOffsetsMs: z.array(positiveInt()).max(4).default([86_400_000, 604_800_000]),
        relatedBy: z.array(label).default(['instance', 'job']),
        relatedMax: z.number().int().min(0).max(20).default(5),
        maxTokens: positiveInt().default(1_000),
      })
      .default(SUMMARY_DEFAULTS)
      .describe('Shape and token budget of the judgement summary'),
    values: z.enum(['raw', 'relative', 'omit']).default('raw').describe('What is sent of metric values'),
    schedule: z
      .strictObject({
        series: z.array(z.string().min(1).refine(isSelector, 'not a valid series selector')).min(1),
        intervalMs: positiveInt().min(1_000),
        maxSeries: positiveInt().default(20),
      })
      .optional()
      .describe('Judges chosen series periodically, without a finding'),
  })
  .refine((o) => o.schedule === undefined || o.history !== undefined, {
    message: 'schedule reads the chosen series from history: set history too (e.g. an @argus/store Store)',
    path: ['schedule'],
  });
