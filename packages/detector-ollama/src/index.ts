import { type Detector, defineDetector, type Factory, type JudgedFinding } from '@argus/core';
import type { z } from 'zod';
import { resolveHost } from './client.js';
import { type JudgeState, judgeOne, judgeState } from './judge.js';
import { type OllamaDetectorOptions, optionsSchema, type ParsedOptions } from './options.js';
import { type Prober, startProbe } from './probe.js';
import { type Schedule, startSchedule } from './schedule.js';

export {
  type AnalysisCall,
  type AnalystDeps,
  type InvestigatedGroup,
  type OllamaAnalyst,
  ollamaAnalyst,
} from './analyst.js';
export type { HistoryRange, HistorySeries, OllamaHistory } from './history.js';
export type { UnjudgedReason } from './judge.js';
export type {
  OllamaBreaker,
  OllamaBudget,
  OllamaDetectorOptions,
  OllamaSchedule,
  OllamaSummary,
  VerdictPolicy,
} from './options.js';
export { DEFAULT_FORECAST_PROMPT, DEFAULT_SYSTEM_PROMPT } from './prompt.js';
export {
  type AlertGroupInput,
  DEFAULT_RECOMMEND_PROMPT,
  type GroupAlert,
  type Recommendation,
  type Recommendations,
} from './recommend.js';
export type { ValueMode } from './render.js';
export {
  DEFAULT_TREND_PROMPT,
  type TrendAssessment,
  type TrendGroup,
  type TrendReport,
  type TrendReportSeries,
  type TrendSeries,
} from './trend.js';
export type { TrendStats } from './trend-stats.js';
export type { Hypothesis, ModelVerdict } from './verdict.js';

/**
 * A detector that asks an Ollama model whether candidate findings are real anomalies, off the hot path. Each
 * verdict (confirmed, score, explanation, and in `details` kind, severity and 2–3 ranked hypotheses) is validated
 * before use; when the model is unavailable, slow, over budget or answers badly twice, the finding passes
 * through with a verdict whose `unjudged` field says why, and the `unjudged` counter grows.
 * @example
 * createPipeline({ sources, detectors: [robustZDetector({}), { use: ollamaDetector({ model: 'qwen2.5:3b' }), timeoutMs: 120_000 }] });
 */
export const ollamaDetector: Factory<
  z.ZodType<ParsedOptions, OllamaDetectorOptions>,
  Detector
> = defineDetector({
  name: 'ollama',
  options: optionsSchema,
  create(o) {
    const host = resolveHost(o.host);
    let state: JudgeState | undefined;
    let prober: Prober | undefined;
    let schedule: Schedule | undefined;
    return {
      name: o.name,
      async start(ctx) {
        state = judgeState(o, host, ctx.clock);
        prober = await startProbe(state, ctx);
        if (o.schedule) schedule = startSchedule(state, ctx);
      },
      stop() {
        prober?.stop();
        schedule?.stop();
        state?.stopping.abort(new Error(`${o.name}: stopped`));
        state = undefined;
      },
      healthcheck() {
        if (!state) return { status: 'degraded', message: 'not started' };
        if (!state.available) return { status: 'degraded', message: `no answer from Ollama at ${host} yet` };
        if (state.breaker.open)
          return { status: 'degraded', message: 'circuit open after failed model calls' };
        return { status: 'ok' };
      },
      // confirmed anomalies of scheduled reviews, found off the stage, join the pipeline on its timer
      ...(o.schedule ? { tick: () => schedule?.drain() } : {}),
      select: (f) => f.detector !== o.name && f.score >= o.minScore,
      async judge(findings, ctx): Promise<readonly JudgedFinding[]> {
        const s = state ?? judgeState(o, host, ctx.clock); // never started (or stopped): nothing is available
        const verdicts = await Promise.all(findings.map((f) => judgeOne(s, f, ctx)));
        return verdicts.map((verdict, i) => ({ findingId: findings[i]!.id, verdict }));
      },
    };
  },
});
