// One rule group evaluated as Prometheus's rule manager does (rules/manager.go Group.Eval in 2.42): every rule in
// order at one timestamp; each recording rule's output written before the next rule runs, so later rules read it;
// ALERTS / ALERTS_FOR_STATE written for every pending and firing alert; a stale marker for every series a rule
// wrote at the previous evaluation and not at this one.
import { type Alert, fingerprint, type Labels } from '@argus/core';
import type { Engine } from '@argus/promql';
import type { VectorSample } from './expr.js';
import { ruleVector } from './promql-evaluator.js';
import { applyVector, type RenderedSample, type RuleTracker, type TrackedAlert } from './tracker.js';

/** Where a group writes what it produces (the embedded store fits: `store.append`). */
export interface SampleAppender {
  append(labels: Labels, timestamp: number, value: number, stale?: boolean): boolean;
}

/** One sample a group produced (a recorded series, ALERTS or ALERTS_FOR_STATE), or a stale marker. */
export interface ProducedSample {
  readonly labels: Labels;
  readonly value: number;
  readonly stale: boolean;
}

interface RuleCommon {
  readonly name: string;
  readonly expr: string;
  readonly labels: Readonly<Record<string, string>>;
  health: 'unknown' | 'ok' | 'err';
  lastError?: string;
  lastEvaluationMs?: number;
  evaluationSeconds: number;
  /** Fingerprint → labels of what it wrote at the previous evaluation (stale markers go to those not rewritten). */
  written: Map<string, Labels>;
}

/** A recording rule of a running group. */
export interface RecordingRuleState extends RuleCommon {
  readonly type: 'recording';
}

/** An alerting rule of a running group, with its alerts. */
export interface AlertingRuleState extends RuleCommon {
  readonly type: 'alerting';
  readonly forMs: number;
  readonly keepFiringForMs: number;
  readonly annotations: Readonly<Record<string, string>>;
  readonly tracker: RuleTracker<string>;
}

export type GroupRuleState = RecordingRuleState | AlertingRuleState;

/** A rule group and what its last evaluation did. */
export interface GroupState {
  readonly name: string;
  readonly file: string;
  readonly intervalMs: number;
  readonly limit: number;
  readonly rules: readonly GroupRuleState[];
  lastEvaluationMs?: number;
  evaluationSeconds: number;
  /** Evaluations so far: Prometheus writes no ALERTS during the first two (it restores `for` state after them). */
  evaluations: number;
}

/** What one evaluation of a group produced. */
export interface GroupOutput {
  readonly at: number;
  readonly samples: ProducedSample[];
  readonly alerts: Alert[];
}

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The label set with its names in order (`__name__` first), as Prometheus keeps and prints them. */
export function sortedLabels(l: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(l).sort()) out[k] = l[k]!;
  return out;
}

/** Writes `samples` at `at` and marks stale what the rule wrote last time and not now. */
function emit(
  rule: RuleCommon,
  at: number,
  now: Labels[],
  values: number[],
  out: GroupOutput,
  app?: SampleAppender,
): void {
  const next = new Map<string, Labels>();
  now.forEach((labels, i) => {
    next.set(fingerprint(labels), labels);
    app?.append(labels, at, values[i]!);
    out.samples.push({ labels, value: values[i]!, stale: false });
  });
  for (const [fp, labels] of rule.written) {
    if (next.has(fp)) continue;
    app?.append(labels, at, Number.NaN, true);
    out.samples.push({ labels, value: Number.NaN, stale: true });
  }
  rule.written = next;
}

function recordingOutput(rule: RecordingRuleState, vector: readonly VectorSample[]): Labels[] {
  const seen = new Set<string>();
  return vector.map((s) => {
    const labels = sortedLabels({ ...s.labels, ...rule.labels, __name__: rule.name });
    const fp = fingerprint(labels);
    if (seen.has(fp))
      throw new Error('vector contains metrics with the same labelset after applying rule labels');
    seen.add(fp);
    return labels;
  });
}

/**
 * Applies the vector to the rule's alerts; returns the state changes. Labels and annotations are rendered for
 * every sample at `at`, as Prometheus renders them at each evaluation (`query` in a template runs then).
 */
async function applyAlerts(
  rule: AlertingRuleState,
  at: number,
  vector: readonly VectorSample[],
): Promise<Alert[]> {
  const rendered: RenderedSample[] = [];
  for (const s of vector) rendered.push({ ...s, rendered: await rule.tracker.render(s.labels, s.value, at) });
  return applyVector(rule.tracker, at, rendered);
}

/** The ALERTS and ALERTS_FOR_STATE series of the active alerts (value 1, and activeAt in seconds). */
function alertSeries(active: Iterable<TrackedAlert>): { labels: Labels[]; values: number[] } {
  const labels: Labels[] = [];
  const values: number[] = [];
  for (const a of active) {
    labels.push(sortedLabels({ ...a.labels, __name__: 'ALERTS', alertstate: a.state }));
    values.push(1);
    labels.push(sortedLabels({ ...a.labels, __name__: 'ALERTS_FOR_STATE' }));
    values.push(a.activeAt / 1000);
  }
  return { labels, values };
}

/**
 * Evaluates every rule of `g` in order at `at`. A rule that fails (bad result, sample limit, timeout) is marked
 * `err` and the group goes on, as in Prometheus. Yields to the event loop between rules.
 */
export async function evaluateGroup(
  g: GroupState,
  at: number,
  engine: Engine,
  signal: AbortSignal,
  app?: SampleAppender,
): Promise<GroupOutput> {
  const out: GroupOutput = { at, samples: [], alerts: [] };
  const started = performance.now();
  for (const rule of g.rules) {
    if (signal.aborted) break;
    const t0 = performance.now();
    try {
      const vector = ruleVector(await engine.instantQuery(rule.expr, at, { signal }));
      if (rule.type === 'recording') {
        const labels = recordingOutput(rule, vector);
        emit(
          rule,
          at,
          labels,
          vector.map((s) => s.value),
          out,
          app,
        );
      } else {
        out.alerts.push(...(await applyAlerts(rule, at, vector)));
        // as Prometheus 2.42's rule manager: ALERTS and ALERTS_FOR_STATE only once the group has run twice
        // (it then restores the `for` state, and writes the series from the third evaluation on)
        const series = alertSeries(g.evaluations >= 2 ? rule.tracker.active.values() : []);
        emit(rule, at, series.labels, series.values, out, app);
      }
      rule.health = 'ok';
      delete rule.lastError;
    } catch (err) {
      rule.health = 'err';
      rule.lastError = (err as Error).message;
    }
    rule.lastEvaluationMs = at;
    rule.evaluationSeconds = (performance.now() - t0) / 1000;
    await yieldToLoop();
  }
  g.evaluations++;
  g.lastEvaluationMs = at;
  g.evaluationSeconds = (performance.now() - started) / 1000;
  return out;
}
