// `argus slo generate <slo.yaml> [--out <rules.yml>]`: the rule groups an SLO file declares (error ratios over the
// SRE workbook's windows, budget figures, multi-window multi-burn-rate page and ticket alerts; see
// docs/alerting.md), printed as a Prometheus rule file. The output is checked with the same checks as
// `argus check rules` (promtool check rules 2.42's) before it is written, so what it writes Prometheus loads.
import { readFileSync, writeFileSync } from 'node:fs';
import { checkRuleFile, formatRuleProblem, sloRuleFile, sloRuleGroups } from '@argus/alerting';
import type { Io } from './format.js';

/** Options of {@link sloCommand}. */
export interface SloCommandOptions {
  /** Write the rule file here instead of to stdout. */
  readonly out?: string | undefined;
}

/** Generates the rule file of `file`; 0 when written, 1 when the SLO file cannot be read or is invalid. */
export function sloCommand(file: string, o: SloCommandOptions, io: Io): number {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    io.stderr(`argus slo: cannot read ${file}: ${(e as Error).message}\n`);
    return 1;
  }
  let rules: string;
  let groups: ReturnType<typeof sloRuleGroups>;
  try {
    // the messages name the SLO and the field (parseSloFile), e.g. "slos[0].objective: …"
    groups = sloRuleGroups(text, file);
    rules = sloRuleFile(text, file);
  } catch (e) {
    io.stderr(`argus slo: ${(e as Error).message}\n`);
    return 1;
  }
  const { problems } = checkRuleFile(rules, { file: o.out ?? '<stdout>' });
  if (problems.length > 0) {
    // a generator bug, not the user's: say so rather than write a file Prometheus would refuse
    io.stderr(
      `argus slo: the generated rules do not pass promtool's checks (please report this):\n${problems.map((p) => `  ${formatRuleProblem(p)}\n`).join('')}`,
    );
    return 1;
  }
  if (o.out === undefined) io.stdout(rules);
  else writeFileSync(o.out, rules);
  const all = groups.flatMap((g) => g.rules);
  const alerts = all.filter((r) => 'alert' in r).length;
  io.stderr(
    `argus slo: ${file}: ${groups.length} groups, ${all.length - alerts} recording rules, ${alerts} alerts${o.out === undefined ? '' : ` written to ${o.out}`}\n`,
  );
  return 0;
}
