// One guarded model call, shared by the judge, the trend reports and the other analyses: availability,
// circuit breaker, a concurrency slot, the minute budget, a deadline on the pipeline's clock, validation with
// zod and one retry that tells the model what was wrong. It never throws: a result or the reason there is none.
import type { Clock, PluginContext } from '@argus/core';
import type { z } from 'zod';
import { type ChatAnswer, chat } from './client.js';
import { BoundedCache, CircuitBreaker, MinuteBudget, Semaphore } from './guards.js';
import type { ParsedOptions } from './options.js';
import { type ChatMessage, retryMessages } from './prompt.js';

/** Why a finding (or an analysis) went without the model (the value of `unjudged`). */
export type UnjudgedReason = 'unavailable' | 'circuitOpen' | 'overBudget' | 'timeout' | 'failed' | 'invalid';

/** What a call needs from its caller: a deadline, a signal, a log and metrics. */
export type CallContext = Pick<PluginContext, 'signal' | 'deadline' | 'log' | 'metrics'>;

/** Everything one detector (or analyst) instance keeps between calls, on one clock. */
export interface JudgeState {
  readonly opts: ParsedOptions;
  readonly host: string;
  readonly clock: Clock;
  readonly budget: MinuteBudget;
  readonly breaker: CircuitBreaker;
  readonly cache: BoundedCache<unknown>;
  readonly slots: Semaphore;
  /** Aborts every call in flight at stop. */
  readonly stopping: AbortController;
  /** False until `/api/tags` answered with the model. */
  available: boolean;
}

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

/** What is asked: the JSON schema sent as `format`, and how an answer's text is checked. */
export interface Question<T> {
  readonly format: Record<string, unknown>;
  readonly check: (text: string) => Checked<T>;
}

/** The outcome of checking one answer: the value, or a short reason the model can be told. */
export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Parses `text` as JSON and validates it with `schema`. */
export function checkWith<T>(schema: z.ZodType<T>, text: string): Checked<T> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `not valid JSON (${(err as Error).message})` };
  }
  const r = schema.safeParse(json);
  if (r.success) return { ok: true, value: r.data };
  const issues = r.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
  return { ok: false, reason: `does not match the schema (${issues})` };
}

/** Leaves a margin before the caller's own deadline, so results are returned rather than lost. */
function softDeadline(ctx: CallContext, now: number): number {
  const left = ctx.deadline - now;
  return now + left - Math.min(1_000, left / 10);
}

/** A signal that aborts at `at` on the state's clock (never when `at` is infinite), or at stop. */
function abortAt(s: JudgeState, ctx: CallContext, at: number): { signal: AbortSignal; dispose: () => void } {
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

/** One chat call under a deadline on the state's clock; spends the budget either way. */
async function ask(
  s: JudgeState,
  messages: ChatMessage[],
  format: Record<string, unknown>,
  ctx: CallContext,
): Promise<Asked> {
  const now = s.clock.now();
  const { signal, dispose } = abortAt(s, ctx, Math.min(now + s.opts.timeoutMs, softDeadline(ctx, now)));
  const req = {
    model: s.opts.model,
    messages,
    format,
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

/** Asks, validates, and retries once with the validation error; a value or the reason there is none. */
async function askValid<T>(
  s: JudgeState,
  first: ChatMessage[],
  q: Question<T>,
  ctx: CallContext,
): Promise<{ value: T } | UnjudgedReason> {
  let messages = first;
  for (let attempt = 0; attempt < 2; attempt++) {
    if (!s.budget.allows(estimateTokens(s, messages))) return 'overBudget';
    const r = await ask(s, messages, q.format, ctx);
    if (!r.ok) {
      s.breaker.failure();
      ctx.log.warn(`ollama: call failed (${r.reason})`, { error: String(r.error) });
      return r.reason;
    }
    s.breaker.success();
    // a stream without its `done` line is incomplete even when what arrived happens to parse
    const checked = r.answer.truncated
      ? ({ ok: false, reason: 'was cut off before its end' } as const)
      : q.check(r.answer.text);
    if (checked.ok) return { value: checked.value };
    ctx.log.debug('ollama: invalid answer', { attempt, reason: checked.reason });
    if (attempt === 0) ctx.metrics.count('retries');
    messages = retryMessages(first, r.answer.text, checked.reason);
  }
  ctx.metrics.count('invalidDropped');
  return 'invalid';
}

/**
 * One guarded question: availability, breaker, a slot (waiting no longer than the caller's deadline), then
 * {@link askValid}. `messages` is built only once a slot is held, so nothing is prepared for a skipped call.
 */
export async function guardedAsk<T>(
  s: JudgeState,
  messages: () => ChatMessage[] | Promise<ChatMessage[]>,
  q: Question<T>,
  ctx: CallContext,
): Promise<{ value: T } | UnjudgedReason> {
  if (!s.available) return 'unavailable';
  const trial = s.breaker.open;
  if (!s.breaker.admit()) return 'circuitOpen';
  const waiting = abortAt(s, ctx, softDeadline(ctx, s.clock.now()));
  const slot = await s.slots.acquire(waiting.signal);
  waiting.dispose();
  if (!slot) {
    s.breaker.cancel();
    return 'timeout';
  }
  // calls queued behind a slot while the server failed must not each hit it once the circuit has opened
  if (!trial && s.breaker.open) {
    s.slots.release();
    return 'circuitOpen';
  }
  try {
    const r = await askValid(s, await messages(), q, ctx);
    if (r === 'overBudget') s.breaker.cancel();
    return r;
  } finally {
    s.slots.release();
  }
}

/** Counts a call that went without the model, in total and by reason. */
export function countUnjudged(ctx: CallContext, reason: UnjudgedReason): void {
  ctx.metrics.count('unjudged');
  ctx.metrics.count(`unjudged.${reason}`);
}
