// `argus check rules <files…>`: promtool check rules 2.42's verdicts and output shape, so it can replace promtool
// in CI: "Checking <file>", then "  SUCCESS: N rules found" (and duplicate-rule warnings) or "  FAILED:" and one
// line per problem.
import { readFileSync } from 'node:fs';
import { checkRuleFile, formatRuleProblem } from '@argus/alerting';
import type { Io } from './format.js';

/** Checks each rule file; 0 when all are valid, 1 when one is not (or cannot be read). */
export function checkRulesCommand(files: readonly string[], io: Io): number {
  let failed = false;
  for (const file of files) {
    io.stdout(`Checking ${file}\n`);
    let text: Buffer;
    try {
      text = readFileSync(file);
    } catch (e) {
      failed = true;
      io.stderr(`  FAILED:\n${file}:0:0: ${(e as Error).message} [ERR_RULES_READ]\n\n`);
      continue;
    }
    const { problems, warnings, rules } = checkRuleFile(text, { file });
    if (problems.length === 0) {
      // promtool prints its duplicate-rules lint as FAILED yet exits 0; we say SUCCESS and list them as warnings
      io.stdout(`  SUCCESS: ${rules} rules found\n`);
      if (warnings.length > 0)
        io.stderr(warnings.map((w) => `  warning: ${formatRuleProblem(w)}\n`).join(''));
      io.stdout('\n');
      continue;
    }
    failed = true;
    io.stderr(`  FAILED:\n${problems.map((p) => `${formatRuleProblem(p)}\n`).join('')}\n`);
  }
  return failed ? 1 : 0;
}
