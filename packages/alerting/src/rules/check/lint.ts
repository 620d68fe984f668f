// promtool's `--lint=duplicate-rules` (on by default in 2.42): two rules with the same alert or record name and
// the same labels. promtool prints them under "FAILED" yet exits 0 unless --lint-fatal, so they are warnings.
import type { RuleProblem } from './problem.js';
import type { MapEntry, NodeValue, StructValue } from './yaml-go.js';

interface Keyed {
  readonly key: string;
  readonly metric: string;
  readonly labels: string;
  readonly group: string;
  readonly rule: number;
}

/** The duplicate rules of the file, one warning per duplicated (name, labels), at its second occurrence. */
export function lintDuplicates(groups: readonly StructValue[], file: string): RuleProblem[] {
  const seen = new Map<string, Keyed>();
  const out: RuleProblem[] = [];
  const reported = new Set<string>();
  for (const g of groups) {
    const rules = (g.fields.rules as StructValue[] | undefined) ?? [];
    rules.forEach((r, i) => {
      const k = keyOf(r, typeof g.fields.name === 'string' ? g.fields.name : '', i + 1);
      const first = seen.get(k.key);
      if (!first) {
        seen.set(k.key, k);
        return;
      }
      if (reported.has(k.key)) return;
      reported.add(k.key);
      out.push({
        file,
        code: 'WARN_RULES_DUPLICATE_RULE',
        message: `duplicate rule: ${k.metric}${k.labels} (also group ${JSON.stringify(first.group)}, rule ${first.rule})`,
        group: k.group,
        rule: k.rule,
        ruleName: k.metric,
        line: r.line,
        column: r.column,
      });
    });
  }
  return out;
}

function keyOf(r: StructValue, group: string, rule: number): Keyed {
  const name = (f: string) => (r.fields[f] as NodeValue | undefined)?.value ?? '';
  const metric = name('alert') !== '' ? name('alert') : name('record');
  // labels.FromMap: one value per name (the last), sorted by name
  const labels = new Map<string, string>();
  for (const e of (r.fields.labels as MapEntry[] | undefined) ?? []) labels.set(e.key, String(e.value));
  const sorted = [...labels].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const text = `{${sorted.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}}`;
  return { key: JSON.stringify([metric, sorted]), metric, labels: text, group, rule };
}
