// Predictive alerts: a forecast finding ("disk fills in ~6 h": kind `forecastBreach`, e.g. from the trend detector's
// `crossAbove`) plus an asynchronous judge's assessment of it (e.g. @argus/detector-ollama), as an alert with its
// own rule. The forecast's numbers come from the detector; the model can only confirm or dismiss (by policy) and
// add its explanation to the annotations.
import {
  type Alert,
  type Alerter,
  defineAlerter,
  type Factory,
  type Finding,
  type FindingVerdict,
  type LabelMatcher,
  type Labels,
  matchesLabels,
  parseMatchers,
} from '@argus/core';
import { z } from 'zod';
import { type RuleBaseOptions, type RuleBaseParsed, ruleBase, selectorSchema } from './common.js';
import { readSnapshot, ruleTracker } from './tracker.js';

/** What a judge's verdict does to a forecast: see {@link PredictiveRuleOptions.verdict}. */
export type PredictiveVerdictPolicy = 'ignore' | 'notDismissed' | 'confirmed' | 'confirmedOrUnavailable';

/** Options of {@link predictiveRule}. */
export interface PredictiveRuleOptions extends RuleBaseOptions {
  /** Only forecasts on series matching this selector count. @default every series */
  selector?: string;
  /** A forecast counts when its finding scores at least this. @default 0.5 */
  minScore?: number;
  /**
   * `ignore`: the forecast alone fires; `notDismissed`: fires unless a judge dismissed the forecast;
   * `confirmed`: only once a judge confirmed it; `confirmedOrUnavailable`: confirmed, or the judge could not
   * answer (model down, slow, over budget). @default 'notDismissed'
   */
  verdict?: PredictiveVerdictPolicy;
}

interface Parsed extends RuleBaseParsed {
  selector?: string | undefined;
  minScore: number;
  verdict: PredictiveVerdictPolicy;
}

const schema: z.ZodType<Parsed, PredictiveRuleOptions> = z.strictObject({
  ...ruleBase,
  selector: selectorSchema.optional().describe('Only forecasts on series matching this selector count'),
  minScore: z.number().min(0).max(1).default(0.5).describe('Score at which a forecast finding counts'),
  verdict: z
    .enum(['ignore', 'notDismissed', 'confirmed', 'confirmedOrUnavailable'])
    .default('notDismissed')
    .describe("What a judge's verdict does: ignore, notDismissed, confirmed, confirmedOrUnavailable"),
});

/** Whether the forecast holds under the policy, given the latest verdict on the series' forecast. */
function holds(f: Finding, v: FindingVerdict | undefined, o: Parsed): boolean {
  if (f.kind !== 'forecastBreach' || f.score < o.minScore) return false;
  switch (o.verdict) {
    case 'ignore':
      return true;
    case 'notDismissed':
      return v?.confirmed !== false;
    case 'confirmed':
      return v?.confirmed === true;
    case 'confirmedOrUnavailable':
      return v?.confirmed === true || v?.unjudged !== undefined;
  }
}

/** The forecast and the judge's assessment, as annotations next to the rule's own. */
function assessment(f: Finding, v: FindingVerdict | undefined): Record<string, string> {
  const out: Record<string, string> = { forecast: f.explanation };
  if (f.expected) out['forecast_value'] = String(f.expected.value);
  if (v?.unjudged !== undefined) out['ai_unjudged'] = v.unjudged;
  else if (v) {
    if (v.confirmed !== undefined) out['ai_confirmed'] = String(v.confirmed);
    if (v.explanation) out['ai_assessment'] = v.explanation;
    const confidence = v.details?.['confidence'];
    if (typeof confidence === 'number') out['ai_confidence'] = String(confidence);
  }
  return out;
}

/** A series forecast to breach: its alert key, the latest forecast finding and the latest verdict on one. */
interface Forecast {
  readonly key: string;
  readonly labels: Labels;
  /** Absent for an alert restored from a snapshot, until its series' next point. */
  finding?: Finding;
  verdict?: FindingVerdict | undefined;
}

/**
 * Alerts on forecasts: a series is active while its latest point carries a `forecastBreach` finding scoring
 * ≥ `minScore` that the `verdict` policy lets through; a later verdict (a judge's late answer) re-decides it.
 * `for`, `keep_firing_for` and templating as in {@link thresholdRule}; the alert's annotations add `forecast`,
 * `forecast_value` and the judge's `ai_confirmed`, `ai_assessment`, `ai_confidence` (or `ai_unjudged`).
 * @example predictiveRule({ alert: 'DiskFillsSoon', selector: 'disk_used_ratio', verdict: 'confirmedOrUnavailable' })
 */
export const predictiveRule: Factory<z.ZodType<Parsed, PredictiveRuleOptions>, Alerter> = defineAlerter({
  name: 'predictive-rule',
  options: schema,
  create(o) {
    const matchers: LabelMatcher[] = o.selector ? parseMatchers(o.selector) : [];
    const { name, tracker } = ruleTracker<string>(o);
    /** Series forecast to breach, by series id. */
    const latest = new Map<number, Forecast>();
    /** Keys of restored alerts whose series has not been seen since: its next point adopts it. */
    const orphans = new Set<string>();
    const step = (series: number, ts: number, f: Finding | undefined): Alert | undefined => {
      const cur = latest.get(series);
      if (!cur) return undefined;
      if (f) cur.finding = f;
      if (f?.verdicts?.length) cur.verdict = f.verdicts.at(-1);
      const present = f !== undefined && holds(f, cur.verdict, o);
      const a = tracker.step(
        cur.key,
        ts,
        present ? { labels: cur.labels, value: f.value, findings: [f.id] } : undefined,
      );
      // a forecast the policy holds back stays, so a late verdict can still decide it
      if (!f) latest.delete(series);
      return (
        a && {
          ...a,
          annotations: { ...a.annotations, ...(cur.finding ? assessment(cur.finding, cur.verdict) : {}) },
        }
      );
    };
    /** Starts tracking a series at a forecast, or adopts a restored alert's series at its next point. */
    const track = (id: number, labels: Labels, f: Finding | undefined): void => {
      const key = JSON.stringify(labels);
      if (f ? matchesLabels(matchers, labels) : orphans.has(key)) latest.set(id, { key, labels });
      orphans.delete(key);
    };
    return {
      name,
      evaluate(input, ctx) {
        const out: Alert[] = [];
        const push = (a: Alert | undefined) => a && out.push(a);
        const byPoint = new Map<string, Finding>();
        for (const f of input.findings ?? [])
          if (f.kind === 'forecastBreach') byPoint.set(`${f.series}@${f.timestamp}`, f);
        // a series is tracked from its first forecast on; a later point without one ends the forecast
        const b = input.metrics;
        for (let i = 0; b && i < b.length; i++) {
          const id = b.series[i]!;
          const f = byPoint.size > 0 ? byPoint.get(`${id}@${b.timestamps[i]}`) : undefined;
          if (!latest.has(id) && (f || orphans.size > 0)) track(id, ctx.series.labels(id), f);
          if (latest.has(id)) push(step(id, b.timestamps[i]!, f));
        }
        if (!b)
          for (const f of byPoint.values()) {
            if (!latest.has(f.series)) track(f.series, ctx.series.labels(f.series), f);
            push(step(f.series, f.timestamp, f));
          }
        // a judge's late verdict on a forecast of a series still forecast to breach: it judges the ongoing forecast
        for (const f of input.updatedFindings ?? []) {
          const cur = latest.get(f.series);
          if (!cur?.finding || f.kind !== 'forecastBreach' || !f.verdicts?.length) continue;
          cur.verdict = f.verdicts.at(-1);
          push(step(f.series, ctx.now, cur.finding));
        }
        // `for` elapses on evaluations without new points
        for (const [id, cur] of latest) {
          const t = tracker.active.get(cur.key);
          if (t?.state === 'pending' && cur.finding) push(step(id, ctx.now, cur.finding));
        }
        return out;
      },
      snapshot: () => ({ alerts: tracker.snapshot() }),
      restore(state) {
        for (const a of readSnapshot((state as { alerts?: unknown } | undefined)?.alerts)) {
          const key = JSON.stringify(a.seriesLabels);
          tracker.active.set(key, a);
          orphans.add(key);
        }
      },
    };
  },
});
