// The `slos:` block of a run config: SLO files, inline or by path, turned into the rule files they generate
// (error-ratio recordings, budget figures, multi-window multi-burn-rate alerts; see docs/alerting.md), which then
// run in process beside the rule files of `rules:`. Every problem is located at the SLO field that causes it.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { sloRuleFile } from '@argus/alerting';
import type { SloSettings } from './schema.js';

/** One problem of the block: the path inside the config (`['slos', 0, 'slos', 1, 'objective']`) and what is wrong. */
export interface SloProblem {
  readonly path: (string | number)[];
  readonly message: string;
}

/** A generated rule file, named for where its SLOs were declared. */
export interface GeneratedRules {
  readonly file: string;
  readonly text: string;
}

/**
 * Generates the rule file of each SLO file of the block; paths are relative to `dir` (the config's folder).
 * Returns the files, or the problems (then no file: a config with a wrong SLO does not run half of them).
 */
export async function sloRuleFiles(
  slos: SloSettings,
  dir: string,
): Promise<{ files: GeneratedRules[]; problems: SloProblem[] }> {
  const files: GeneratedRules[] = [];
  const problems: SloProblem[] = [];
  for (const [i, item] of slos.entries()) {
    const at: (string | number)[] = ['slos', i];
    if (typeof item === 'string') {
      let text: string;
      try {
        text = await readFile(resolve(dir, item), 'utf8');
      } catch (err) {
        problems.push({
          path: at,
          message: `cannot read SLO file ${JSON.stringify(item)}: ${(err as Error).message}`,
        });
        continue;
      }
      try {
        files.push({ file: item, text: sloRuleFile(text, item) });
      } catch (err) {
        problems.push({ path: at, message: (err as Error).message });
      }
      continue;
    }
    try {
      files.push({
        file: `slos[${i}] (service ${String(item['service'])})`,
        text: sloRuleFile(item as never, 'slo'),
      });
    } catch (err) {
      problems.push(...located(at, (err as Error).message));
    }
  }
  return problems.length > 0 ? { files: [], problems } : { files, problems };
}

/**
 * An inline SLO file's problems, each at its field: parseSloFile lists them as `  - slos.0.objective: …` lines
 * under one heading; anything else stays one problem at the SLO file.
 */
function located(at: (string | number)[], message: string): SloProblem[] {
  const lines = message.split('\n').slice(1);
  const issues = lines.map((l) => /^ {2}- ([^:]+): (.*)$/.exec(l));
  if (lines.length === 0 || issues.some((m) => !m))
    return [{ path: at, message: message.replace(/^slo: /, '') }];
  return issues.map((m) => ({
    path: [
      ...at,
      ...(m![1] === '(root)' ? [] : m![1]!.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k))),
    ],
    message: m![2]!,
  }));
}
