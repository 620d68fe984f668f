import type { Finding, FindingVerdict, PluginContext } from '@argus/core';
import {
  type CallContext,
  checkWith,
  countUnjudged,
  guardedAsk,
  type JudgeState,
  type Question,
  type UnjudgedReason,
} from './ask.js';
import { readSummary } from './history.js';
import { buildMessages, DEFAULT_FORECAST_PROMPT } from './prompt.js';
import { type ModelVerdict, verdictJsonSchema, verdictSchema } from './verdict.js';

export { type JudgeState, judgeState, type UnjudgedReason } from './ask.js';

const VERDICT: Question<ModelVerdict> = {
  format: verdictJsonSchema(),
  check: (text) => checkWith(verdictSchema, text),
};

function unjudged(s: JudgeState, reason: UnjudgedReason, ctx: CallContext): FindingVerdict {
  countUnjudged(ctx, reason);
  return { detector: s.opts.name, at: s.clock.now(), unjudged: reason };
}

/** The revised score under the policy; undefined leaves the finding's score as it is. */
function scoreOf(s: JudgeState, v: ModelVerdict): number | undefined {
  // the finding's score is the probability of an anomaly; the model's confidence is in its own answer
  if (s.opts.policy === 'revise') return v.is_anomaly ? v.confidence : 1 - v.confidence;
  if (s.opts.policy === 'confirmOrUnavailable' && !v.is_anomaly) return 0;
  return undefined;
}

function judged(s: JudgeState, v: ModelVerdict, f: Finding): FindingVerdict {
  const score = scoreOf(s, v);
  return {
    detector: s.opts.name,
    at: s.clock.now(),
    confirmed: v.is_anomaly,
    ...(score === undefined ? {} : { score }),
    explanation: v.explanation,
    details: {
      model: s.opts.model,
      confidence: v.confidence,
      kind: v.kind,
      severity: v.severity,
      hypotheses: v.hypotheses,
      // a forecast finding's verdict is about the predicted breach, not a past point
      ...(f.kind === 'forecastBreach' ? { prediction: true } : {}),
    },
  };
}

function cacheKey(s: JudgeState, f: Finding, ctx: Pick<PluginContext, 'series'>, scheduled: boolean): string {
  return `${scheduled ? 's' : 'v'}|${ctx.series.fingerprint(f.series)}|${Math.floor(f.timestamp / s.opts.cacheWindowMs)}|${f.kind}`;
}

/**
 * Judges one finding; never throws, never waits past the call's deadline. `scheduled`: `f` is no finding but
 * the subject of a scheduled review (its series and time), and the model is asked about the series as a whole.
 */
export async function judgeOne(
  s: JudgeState,
  f: Finding,
  ctx: CallContext & Pick<PluginContext, 'series'>,
  scheduled = false,
): Promise<FindingVerdict> {
  const key = cacheKey(s, f, ctx, scheduled);
  const hit = s.cache.get(key) as ModelVerdict | undefined;
  if (hit) {
    ctx.metrics.count('cacheHits');
    return judged(s, hit, f);
  }
  const messages = async () => {
    const labels = ctx.series.labels(f.series);
    const summary = await readSummary(s.opts.history, labels, f.timestamp, s.opts.summary, ctx.log);
    return buildMessages({
      finding: f,
      labels,
      summary,
      scheduled,
      values: s.opts.values,
      summaryTokens: s.opts.summary.maxTokens,
      anonymize: new Set(s.opts.anonymizeLabels),
      drop: new Set(s.opts.dropLabels),
      systemPrompt:
        f.kind === 'forecastBreach'
          ? (s.opts.forecastPrompt ?? DEFAULT_FORECAST_PROMPT)
          : s.opts.systemPrompt,
    });
  };
  const r = await guardedAsk(s, messages, VERDICT, ctx);
  if (typeof r === 'string') return unjudged(s, r, ctx);
  s.cache.set(key, r.value);
  ctx.metrics.count('judged');
  return judged(s, r.value, f);
}
