import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { checkAlertmanagerConfig } from '@argus/alerting';
import type { Io } from './format.js';

/**
 * `argus check config <alertmanager.yml>…`: checks each file as `amtool check-config` 0.25 does and prints one line
 * per problem (`file:line:col: message`, warnings marked). Exit code 0 when every file is valid, 1 otherwise.
 */
export function checkConfigCommand(paths: readonly string[], io: Io): number {
  if (paths.length === 0) {
    io.stderr('argus: check config needs a file: argus check config <alertmanager.yml>\n');
    return 2;
  }
  let failed = 0;
  for (const path of paths) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      io.stderr(`${path}: cannot read: ${(err as Error).message}\n`);
      failed++;
      continue;
    }
    // relative *_file paths are the config file's, as Alertmanager resolves them
    const check = checkAlertmanagerConfig(text, { baseDir: dirname(resolve(path)) });
    for (const p of check.problems)
      (p.severity === 'error' ? io.stderr : io.stdout)(
        `${path}:${p.line}:${p.col}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}\n`,
      );
    if (check.ok) io.stdout(`${path}: SUCCESS\n`);
    else failed++;
  }
  return failed > 0 ? 1 : 0;
}
