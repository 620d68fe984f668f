import type { Clock, Finding, FindingVerdict, PluginContext } from '@argus/core';
import { type ChatAnswer, chat } from './client.js';
import { BoundedCache, CircuitBreaker, MinuteBudget, Semaphore } from './guards.js';
import type { ParsedOptions } from './options.js';
import { buildMessages, type ChatMessage, retryMessages } from './prompt.js';
import { checkAnswer, type ModelVerdict, verdictJsonSchema } from './verdict.js';

/** Why a finding passed through unjudged (the value of `verdict.unjudged`). */
export type UnjudgedReason = 'unavailable' | 'circuitOpen' | 'overBudget' | 'timeout' | 'failed' | 'invalid';

/** Everything one detector instance keeps between judge calls; built at start, on the pipeline's clock. */
export interface JudgeState {
  readonly opts: ParsedOptions;
  readonly host: string;
  readonly clock: Clock;
  readonly budget: MinuteBudget;
  readonly breaker: CircuitBreaker;
  readonly cache: BoundedCache<ModelVerdict>;
  readonly slots: Semaphore;
  /** Aborts every call in flight at stop. */
  readonly stopping: AbortController;
  /** False until `/api/tags` answered with the model. */
  available: boolean;
}

const FORMAT = verdictJsonSchema();

/** A new state for `opts`, on `clock`. */
export function judgeState(opts: ParsedOptions, host: string, clock: Clock): JudgeState {
  return {
    opts,
    host,
    clock,
    budget: new MinuteBudget(clock, opts.budget.tokensPerMinute, opts.budget.callMsPerMinute),
    breaker: new CircuitBreaker(clock, opts.breaker.failures, opts.breaker.cooldownMs),
    cache: new BoundedCache(opts.cacheMaxEntries),
    slots: new Semaphore(opts.concurrency),
    stopping: new AbortController(),
    available: false,
  };
}

function unjudged(s: JudgeState, reason: UnjudgedReason, ctx: PluginContext): FindingVerdict {
  ctx.metrics.count('unjudged');
  ctx.metrics.count(`unjudged.${reason}`);
  return { detector: s.opts.name, at: s.clock.now(), unjudged: reason };
}

function judged(s: JudgeState, v: ModelVerdict): FindingVerdict {
  return {
    detector: s.opts.name,
    at: s.clock.now(),
    confirmed: v.is_anomaly,
    // the finding's score is the probability of an anomaly; the model's confidence is in its own answer
    score: v.is_anomaly ? v.confidence : 1 - v.confidence,
    explanation: v.explanation,
    details: {
      model: s.opts.model,
      confidence: v.confidence,
      kind: v.kind,
      severity: v.severity,
      hypotheses: v.hypotheses,
    },
  };
}

/** Leaves a margin before the judge call's own deadline, so verdicts are returned rather than lost. */
function softDeadline(ctx: PluginContext, now: number): number {
  const left = ctx.deadline - now;
  return now + left - Math.min(1_000, left / 10);
}

/** A signal that aborts at `at` on the pipeline's clock (never when `at` is infinite), or at stop. */
function abortAt(
  s: JudgeState,
  ctx: PluginContext,
  at: number,
): { signal: AbortSignal; dispose: () => void } {
  const timer = new AbortController();
  const wait = at - s.clock.now();
  const handle = Number.isFinite(wait)
    ? s.clock.setTimeout(() => timer.abort(new Error('deadline')), wait)
    : undefined;
  return {
    signal: AbortSignal.any([timer.signal, ctx.signal, s.stopping.signal]),
    dispose: () => handle !== undefined && s.clock.clearTimeout(handle),
  };
}

type Asked = { ok: true; answer: ChatAnswer } | { ok: false; reason: 'timeout' | 'failed'; error: unknown };

/** One chat call under a deadline on the pipeline's clock; spends the budget either way. */
async function ask(s: JudgeState, messages: ChatMessage[], ctx: PluginContext): Promise<Asked> {
  const now = s.clock.now();
  const { signal, dispose } = abortAt(s, ctx, Math.min(now + s.opts.timeoutMs, softDeadline(ctx, now)));
  const req = {
    model: s.opts.model,
    messages,
    format: FORMAT,
    options: s.opts.modelOptions,
    keepAlive: s.opts.keepAlive,
    stream: s.opts.stream,
  };
  if (s.opts.logRequests) ctx.log.info('ollama request', { host: s.host, body: req });
  const t0 = s.clock.now();
  try {
    const answer = await chat(s.host, req, signal);
    s.budget.spend(answer.tokens, s.clock.now() - t0);
    ctx.metrics.count('tokens', answer.tokens);
    return { ok: true, answer };
  } catch (error) {
    s.budget.spend(0, s.clock.now() - t0);
    return { ok: false, reason: signal.aborted ? 'timeout' : 'failed', error };
  } finally {
    dispose();
    ctx.metrics.observe('callMs', s.clock.now() - t0);
  }
}

function estimateTokens(s: JudgeState, messages: readonly ChatMessage[]): number {
  const chars = messages.reduce((n, m) => n + m.content.length, 0);
  const predict = s.opts.modelOptions['num_predict'];
  // about four characters per token for English and JSON; the answer at most num_predict
  return Math.ceil(chars / 4) + (typeof predict === 'number' && predict > 0 ? predict : 512);
}

/** Asks, validates, and retries once with the validation error; a verdict or the reason there is none. */
async function askValid(
  s: JudgeState,
  first: ChatMessage[],
  ctx: PluginContext,
): Promise<ModelVerdict | UnjudgedReason> {
  let messages = first;
  for (let attempt = 0; attempt < 2; attempt++) {
    if (!s.budget.allows(estimateTokens(s, messages))) return 'overBudget';
    const r = await ask(s, messages, ctx);
    if (!r.ok) {
      s.breaker.failure();
      ctx.log.warn(`ollama: call failed (${r.reason})`, { error: String(r.error) });
      return r.reason;
    }
    s.breaker.success();
    // a stream without its `done` line is incomplete even when what arrived happens to parse
    const checked = r.answer.truncated
      ? ({ ok: false, reason: 'was cut off before its end' } as const)
      : checkAnswer(r.answer.text);
    if (checked.ok) return checked.verdict;
    const reason = checked.reason;
    ctx.log.debug('ollama: invalid answer', { attempt, reason });
    if (attempt === 0) ctx.metrics.count('retries');
    messages = retryMessages(first, r.answer.text, reason);
  }
  ctx.metrics.count('invalidDropped');
  return 'invalid';
}

function cacheKey(s: JudgeState, f: Finding, ctx: PluginContext): string {
  return `${ctx.series.fingerprint(f.series)}|${Math.floor(f.timestamp / s.opts.cacheWindowMs)}|${f.kind}`;
}

/** Judges one finding; never throws, never waits past the call's deadline. */
export async function judgeOne(s: JudgeState, f: Finding, ctx: PluginContext): Promise<FindingVerdict> {
  const key = cacheKey(s, f, ctx);
  const hit = s.cache.get(key);
  if (hit) {
    ctx.metrics.count('cacheHits');
    return judged(s, hit);
  }
  if (!s.available) return unjudged(s, 'unavailable', ctx);
  if (!s.breaker.admit()) return unjudged(s, 'circuitOpen', ctx);
  const waiting = abortAt(s, ctx, softDeadline(ctx, s.clock.now()));
  const slot = await s.slots.acquire(waiting.signal);
  waiting.dispose();
  if (!slot) {
    s.breaker.cancel();
    return unjudged(s, 'timeout', ctx);
  }
  try {
    const labels = ctx.series.labels(f.series);
    const first = buildMessages({
      finding: f,
      labels,
      anonymize: new Set(s.opts.anonymizeLabels),
      drop: new Set(s.opts.dropLabels),
      systemPrompt: s.opts.systemPrompt,
    });
    const r = await askValid(s, first, ctx);
    if (r === 'overBudget') s.breaker.cancel();
    if (typeof r === 'string') return unjudged(s, r, ctx);
    s.cache.set(key, r);
    ctx.metrics.count('judged');
    return judged(s, r);
  } finally {
    s.slots.release();
  }
}
