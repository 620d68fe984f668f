import type { Labels } from '@argus/core';
import { matchesLabels } from '@argus/core';
import type { AlertTable } from './alert-table.js';
import type { CompiledConfig } from './config.js';

type Rule = CompiledConfig['inhibit'][number];

/** Per rule: firing source alerts by the values of their `equal` labels, split by whether they also match the target side. */
interface RuleIndex {
  sourceOnly: Map<string, string[]>;
  both: Map<string, string[]>;
}

const keyOf = (rule: Rule, labels: Labels): string => rule.equal.map((l) => labels[l] ?? '').join('\u0000');

/**
 * Alertmanager's inhibitor over an index rebuilt only when the alerts changed: a firing source alert mutes target
 * alerts with equal `equal` labels (a missing label equals an empty one); an alert matching both sides is not
 * muted by alerts that also match both sides. Lookups cost one map probe per rule instead of a scan of all alerts.
 */
export class Inhibitor {
  private index: RuleIndex[] | undefined;
  /** The earliest future `endsAt` seen by the last build: past it the index is stale. */
  private staleAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly rules: CompiledConfig['inhibit'],
    private readonly alertTable: AlertTable,
  ) {}

  /** Drops the index: call whenever an alert changes or goes away. */
  invalidate(): void {
    this.index = undefined;
  }

  /** Fingerprints of the alerts inhibiting `labels` at `now`. */
  inhibitedBy(labels: Labels, now: number): string[] {
    const rules = this.rules;
    if (rules.length === 0) return [];
    // time matters only through endsAt ≤ now: rebuild once the earliest future endsAt has passed
    if (!this.index || now >= this.staleAt) this.build(rules, now);
    const out: string[] = [];
    rules.forEach((rule, i) => {
      if (!matchesLabels(rule.target, labels)) return;
      const idx = this.index![i]!;
      const key = keyOf(rule, labels);
      out.push(...(idx.sourceOnly.get(key) ?? []));
      if (!matchesLabels(rule.source, labels)) out.push(...(idx.both.get(key) ?? []));
    });
    return out;
  }

  private build(rules: CompiledConfig['inhibit'], now: number): void {
    const t = this.alertTable;
    this.staleAt = Number.POSITIVE_INFINITY;
    const firing: number[] = [];
    t.forEach((s) => {
      const ends = t.endsAt[s]!;
      if (Number.isNaN(ends)) firing.push(s);
      else if (ends > now) {
        firing.push(s);
        this.staleAt = Math.min(this.staleAt, ends);
      }
    });
    this.index = rules.map((rule) => {
      const idx: RuleIndex = { sourceOnly: new Map(), both: new Map() };
      for (const s of firing) {
        const labels = t.labels[s]!;
        if (!matchesLabels(rule.source, labels)) continue;
        const m = matchesLabels(rule.target, labels) ? idx.both : idx.sourceOnly;
        const key = keyOf(rule, labels);
        const list = m.get(key);
        if (list) list.push(t.fp[s]!);
        else m.set(key, [t.fp[s]!]);
      }
      return idx;
    });
  }
}
