// Optimization recommendations per alert group: the model proposes actions, each with the evidence from the
// group it rests on; Argus turns them into annotations for the group's alerts. Advice only: nothing is run,
// routed, silenced or changed because of it.
import type { Labels } from '@argus/core';
import { z } from 'zod';
import { type CallContext, checkWith, guardedAsk, type JudgeState, type UnjudgedReason } from './ask.js';
import { formatOf } from './format.js';
import { type ChatMessage, redactLabels, systemMessage } from './prompt.js';
import { reasonText } from './render.js';

/** One alert of a group, as the notifier sees it. */
export interface GroupAlert {
  readonly labels: Labels;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly state?: string;
  /** ms since epoch. */
  readonly startsAt?: number;
}

/** An alert group to advise on. */
export interface AlertGroupInput {
  readonly groupLabels: Labels;
  readonly alerts: readonly GroupAlert[];
}

/** One recommendation, with the evidence it rests on. */
export interface Recommendation {
  readonly action: string;
  readonly rationale: string;
  readonly evidence: readonly string[];
  readonly effort: 'low' | 'medium' | 'high';
}

/** Recommendations for one group, and the annotations that carry them to notifications and the UI. */
export interface Recommendations {
  readonly recommendations: readonly Recommendation[];
  /** `ai_recommendations` (numbered text) and `ai_model`; empty when `unjudged` says why there is nothing. */
  readonly annotations: Readonly<Record<string, string>>;
  readonly unjudged?: UnjudgedReason;
}

/** The default system prompt of recommendations; replace it with the `recommendPrompt` option. */
export const DEFAULT_RECOMMEND_PROMPT: string = [
  'You advise the operators of a monitored system about one group of firing alerts.',
  'Propose one to five concrete actions that would resolve the cause or stop the alerts from recurring',
  '(tuning a threshold, adding capacity, fixing a configuration), most useful first, each with its rationale,',
  'the evidence from the alerts it rests on, and the effort it takes. Advice only: you cannot act.',
].join(' ');

const MAX_ALERTS = 20;

const answerSchema = z.object({
  recommendations: z
    .array(
      z.object({
        action: z.string().min(1).max(300),
        rationale: z.string().min(1).max(1_000),
        evidence: z.array(z.string().min(1).max(300)).min(1).max(5),
        effort: z.enum(['low', 'medium', 'high']),
      }),
    )
    .min(1)
    .max(5),
});
type Answer = z.infer<typeof answerSchema>;
const FORMAT = formatOf(answerSchema);

function messages(s: JudgeState, g: AlertGroupInput): ChatMessage[] {
  const anonymize = new Set(s.opts.anonymizeLabels);
  const drop = new Set(s.opts.dropLabels);
  // an annotation such as "disk 93% full" carries raw numbers that cannot be scaled: unless raw values may be
  // sent its digits are masked, in `relative` as in `omit`
  const text = (t: string): string => reasonText(s.opts.values, t);
  const doc = {
    group: redactLabels(g.groupLabels, anonymize, drop),
    alerts: g.alerts.slice(0, MAX_ALERTS).map((a) => ({
      labels: redactLabels(a.labels, anonymize, drop),
      annotations: Object.fromEntries(Object.entries(a.annotations ?? {}).map(([k, v]) => [k, text(v)])),
      state: a.state,
      since: a.startsAt === undefined ? undefined : new Date(a.startsAt).toISOString(),
    })),
    alerts_left_out: Math.max(0, g.alerts.length - MAX_ALERTS),
    ...(s.opts.values === 'raw' ? {} : { values: 'digits in annotations are masked (#) by configuration' }),
  };
  return [
    systemMessage(s.opts.recommendPrompt ?? DEFAULT_RECOMMEND_PROMPT),
    { role: 'user', content: JSON.stringify(doc) },
  ];
}

function annotate(model: string, rs: Answer['recommendations']): Record<string, string> {
  const text = rs
    .map(
      (r, i) =>
        `${i + 1}. ${r.action} (effort ${r.effort}): ${r.rationale} Evidence: ${r.evidence.join('; ')}`,
    )
    .join('\n');
  return { ai_recommendations: text, ai_model: model };
}

/** Recommendations for one alert group (at most 20 alerts are sent). Never throws. */
export async function recommend(
  s: JudgeState,
  g: AlertGroupInput,
  ctx: CallContext,
): Promise<Recommendations> {
  const r = await guardedAsk(
    s,
    () => messages(s, g),
    { format: FORMAT, check: (text) => checkWith(answerSchema, text) },
    ctx,
  );
  if (typeof r === 'string') {
    ctx.metrics.count('recommendations.unjudged');
    return { recommendations: [], annotations: {}, unjudged: r };
  }
  ctx.metrics.count('recommendations');
  return {
    recommendations: r.value.recommendations,
    annotations: annotate(s.opts.model, r.value.recommendations),
  };
}
