import { type Alert, type AlertState, fingerprint, type Labels } from '@argus/core';
import type { QueryFn } from '@argus/template';
import { compileTemplate, type Template } from '../template.js';
import { type RuleBaseParsed, ruleLabels } from './common.js';

/** What every rule shares: identity, timing, and the labels/annotations it adds. */
export interface RuleSpec {
  /** The alert name (`alertname` label). */
  readonly alert: string;
  /** How long the condition must hold before pending becomes firing. */
  readonly forMs: number;
  /** How long a firing alert keeps firing after the condition stops holding. */
  readonly keepFiringForMs: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** Shown as the alert's origin. */
  readonly origin: string;
  readonly generatorURL?: string | undefined;
  /** Answers `query` in the label and annotation templates (see {@link RuleTracker.render}). */
  readonly query?: QueryFn | undefined;
}

/** A rule's label and annotation templates rendered for one sample of one evaluation. */
export interface RenderedTemplates {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/** One active (pending or firing) alert of a rule, JSON-serialisable for snapshots. */
export interface TrackedAlert {
  /** The input series' labels. */
  seriesLabels: Labels;
  labels: Labels;
  fingerprint: string;
  state: 'pending' | 'firing';
  activeAt: number;
  firedAt?: number;
  keepFiringSince?: number;
  value: number;
  findings?: string[];
  /** The annotations rendered at the last evaluation that held (when the caller renders with {@link RuleTracker.render}). */
  annotations?: Record<string, string>;
}

/**
 * Prometheus's alerting-rule state machine, per alert: absent → pending (activeAt) → firing once the condition
 * has held for `for` (at once when `for` is 0) → resolved when it stops holding, after `keep_firing_for`. A
 * pending alert whose condition stops holding is dropped (reported as `inactive`, never notified).
 */
export class RuleTracker<K> {
  readonly active: Map<K, TrackedAlert> = new Map();
  private readonly labelTpl: [string, Template][];
  private readonly annTpl: [string, Template][];
  // whether any label is a template (a plain label cannot change an alert's identity: no need to re-render)
  private readonly labelsTemplated: boolean;

  constructor(readonly spec: RuleSpec) {
    const where = `rule ${JSON.stringify(spec.alert)}`;
    const options = { ruleName: spec.alert, ...(spec.query ? { query: spec.query } : {}) };
    this.labelTpl = Object.entries(spec.labels).map(([k, v]) => [
      k,
      compileTemplate(v, `${where} label ${k}`, options),
    ]);
    this.labelsTemplated = Object.values(spec.labels).some((v) => v.includes('{{'));
    this.annTpl = Object.entries(spec.annotations).map(([k, v]) => [
      k,
      compileTemplate(v, `${where} annotation ${k}`, options),
    ]);
  }

  /**
   * Renders the labels and annotations for one sample at `ts` as Prometheus's rule manager does at every
   * evaluation: asynchronously, so that `query` (engine or server) runs at the evaluation time. Pass the result
   * to {@link RuleTracker.step} as `present.rendered`.
   */
  async render(series: Labels, value: number, ts: number): Promise<RenderedTemplates> {
    const data = { labels: series, value };
    const at = new Date(ts);
    const all = async (tpls: [string, Template][]) => {
      const out: Record<string, string> = {};
      for (const [k, t] of tpls) out[k] = await t.renderAsync(data, at);
      return out;
    };
    return { labels: await all(this.labelTpl), annotations: await all(this.annTpl) };
  }

  /**
   * Advances one alert to time `ts`: `present` when the condition holds (with the series labels and value),
   * `undefined` when it does not. Returns the alert when its state changed.
   */
  step(
    key: K,
    ts: number,
    present:
      | { labels: Labels; value: number; findings?: string[]; rendered?: RenderedTemplates | undefined }
      | undefined,
  ): Alert | undefined {
    let a = this.active.get(key);
    if (!present) {
      if (!a) return undefined;
      if (a.state === 'pending') {
        this.active.delete(key);
        return this.toAlert(a, 'inactive', ts);
      }
      if (this.spec.keepFiringForMs > 0) {
        a.keepFiringSince ??= ts;
        if (ts - a.keepFiringSince < this.spec.keepFiringForMs) return undefined;
      }
      this.active.delete(key);
      return this.toAlert(a, 'resolved', ts);
    }
    const created = !a;
    if (!a) {
      const labels = this.alertLabels(present.labels, present.value, present.rendered?.labels);
      a = {
        seriesLabels: present.labels,
        labels,
        fingerprint: fingerprint(labels),
        state: 'pending',
        activeAt: ts,
        value: present.value,
      };
      this.active.set(key, a);
    }
    a.value = present.value;
    if (present.findings) a.findings = present.findings;
    if (present.rendered) a.annotations = { ...present.rendered.annotations };
    delete a.keepFiringSince;
    if (a.state === 'pending' && ts - a.activeAt >= this.spec.forMs) {
      a.state = 'firing';
      a.firedAt = ts;
      return this.toAlert(a, 'firing', ts);
    }
    return created ? this.toAlert(a, 'pending', ts) : undefined;
  }

  /**
   * The identity of the alert a sample makes: the fingerprint of its labels once the label templates are rendered,
   * as Prometheus keys its alerts (a label templated with `$value` makes another alert when the value changes).
   */
  alertKey(series: Labels, value: number, rendered?: RenderedTemplates): string {
    return fingerprint(this.alertLabels(series, value, rendered?.labels));
  }

  /**
   * For rules that key alerts by series (thresholdRule): when the labels templates give other labels for this sample
   * than the active alert has, ends that alert at `ts` (pending: inactive; firing: resolved, without
   * `keep_firing_for`) and returns it, so the next {@link RuleTracker.step} starts the alert under its new labels,
   * as Prometheus's alert identity follows its rendered labels.
   */
  endIfRelabelled(key: K, ts: number, series: Labels, value: number): Alert | undefined {
    const a = this.active.get(key);
    if (!a || !this.labelsTemplated || this.alertKey(series, value) === a.fingerprint) return undefined;
    this.active.delete(key);
    return this.toAlert(a, a.state === 'pending' ? 'inactive' : 'resolved', ts);
  }

  /** The alert as core's {@link Alert} in `state`. */
  toAlert(a: TrackedAlert, state: AlertState, ts: number): Alert {
    const data = { labels: a.seriesLabels, value: a.value };
    const annotations: Record<string, string> = { ...a.annotations };
    // with a `query` the caller renders asynchronously (render): a synchronous render would only ask it in vain
    if (!a.annotations && !this.spec.query) for (const [k, t] of this.annTpl) annotations[k] = t(data);
    return {
      labels: a.labels,
      annotations,
      state,
      startsAt: a.firedAt ?? a.activeAt,
      ...(state === 'resolved' || state === 'inactive' ? { endsAt: ts } : {}),
      fingerprint: a.fingerprint,
      origin: this.spec.origin,
      value: a.value,
      ...(a.findings ? { findings: a.findings } : {}),
      ...(this.spec.generatorURL ? { generatorURL: this.spec.generatorURL } : {}),
    };
  }

  private alertLabels(series: Labels, value: number, rendered?: Readonly<Record<string, string>>): Labels {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(series)) if (k !== '__name__') out[k] = v;
    for (const [k, t] of this.labelTpl) out[k] = rendered?.[k] ?? t({ labels: series, value });
    out['alertname'] = this.spec.alert;
    return out;
  }

  /** JSON-serialisable state: every pending/firing alert, keyed by fingerprint. */
  snapshot(): TrackedAlert[] {
    return [...this.active.values()].map((a) => ({ ...a }));
  }
}

/** One sample of an instant vector, with the templates rendered for it at the evaluation time. */
export interface RenderedSample {
  readonly labels: Labels;
  readonly value: number;
  readonly rendered?: RenderedTemplates | undefined;
}

/**
 * Applies one evaluation's instant vector at `at` as Prometheus 2.42's alerting rule does (rules/alerting.go Eval):
 * alerts are keyed by their rendered labels ({@link RuleTracker.alertKey}); an alert whose key the vector no longer
 * gives stops holding (pending: dropped; firing: resolved after `keep_firing_for`), so a templated label that
 * changes ends one alert and starts another. Throws Prometheus's error when two samples give the same labels.
 * Returns the alerts whose state changed.
 */
export function applyVector(
  tracker: RuleTracker<string>,
  at: number,
  vector: readonly RenderedSample[],
): Alert[] {
  const keys = vector.map((s) => tracker.alertKey(s.labels, s.value, s.rendered));
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.has(key))
      throw new Error('vector contains metrics with the same labelset after applying alert labels');
    seen.add(key);
  }
  const out: Alert[] = [];
  for (const [i, s] of vector.entries()) {
    const a = tracker.step(keys[i]!, at, s);
    if (a) out.push(a);
  }
  for (const key of [...tracker.active.keys()]) {
    if (seen.has(key)) continue;
    const a = tracker.step(key, at, undefined);
    if (a) out.push(a);
  }
  return out;
}

/** Reads a snapshot back defensively (a corrupt entry is skipped, not fatal). */
export function readSnapshot(state: unknown): TrackedAlert[] {
  if (!Array.isArray(state)) return [];
  return state.filter(
    (a): a is TrackedAlert =>
      typeof a === 'object' &&
      a !== null &&
      typeof a.fingerprint === 'string' &&
      (a.state === 'pending' || a.state === 'firing') &&
      typeof a.activeAt === 'number' &&
      typeof a.labels === 'object' &&
      typeof a.seriesLabels === 'object',
  );
}

/**
 * A rule's plugin name (its `name`, else `rule:<alert>`) and the tracker that turns its per-key conditions into
 * alerts with the rule's `for`, `keep_firing_for`, labels and annotations; the name is also the alerts' origin.
 */
export function ruleTracker<K>(
  o: RuleBaseParsed,
  query?: QueryFn,
): { name: string; tracker: RuleTracker<K> } {
  const name = o.name ?? `rule:${o.alert}`;
  const tracker = new RuleTracker<K>({
    ...(query ? { query } : {}),
    alert: o.alert,
    forMs: o.forMs,
    keepFiringForMs: o.keepFiringForMs,
    labels: ruleLabels(o),
    annotations: o.annotations,
    origin: name,
    generatorURL: o.generatorURL,
  });
  return { name, tracker };
}
