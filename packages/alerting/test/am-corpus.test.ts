import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describeWithBinary } from '@argus/testkit';
import { expect, it } from 'vitest';
import { checkAlertmanagerConfig, loadAlertmanagerConfig } from '../src/index.js';

// Public alertmanager.yml files (fixtures/am-corpus/SOURCES.md) checked by Argus and by the real amtool 0.25:
// both must accept or both reject every file, and every rejection must name file, line and column.
const root = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'am-corpus');
const files = readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) =>
    readdirSync(join(root, d.name))
      .filter((f) => /\.ya?ml$/.test(f))
      .map((f) => join(d.name, f)),
  );
// files that use a field newer than 0.25 which Argus accepts on purpose (docs/alerting.md)
const NEWER = new Set<string>();

async function amtool(path: string): Promise<boolean> {
  try {
    await promisify(execFile)('amtool', ['check-config', path], { timeout: 30_000 });
    return true;
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') throw err;
    return false;
  }
}

describeWithBinary(
  [{ bin: 'amtool', pkg: 'prometheus-alertmanager' }],
  'alertmanager.yml corpus against amtool 0.25',
  () => {
    it('has at least 40 configs', () => {
      expect(files.length).toBeGreaterThanOrEqual(40);
    });

    it('accepts and rejects exactly the files amtool check-config does, naming file and line', async () => {
      const disagree: string[] = [];
      let rejected = 0;
      for (const f of files) {
        const path = join(root, f);
        const text = readFileSync(path, 'utf8');
        const ours = checkAlertmanagerConfig(text, { baseDir: dirname(path) });
        const theirs = await amtool(path);
        if (ours.ok !== theirs && !NEWER.has(f)) {
          disagree.push(
            `${f}: amtool ${theirs ? 'accepts' : 'rejects'}; Argus: ${ours.problems.map((p) => `${p.line}:${p.col} ${p.message}`).join(' | ') || 'accepts'}`,
          );
        }
        if (!ours.ok) {
          rejected++;
          const thrown = (() => {
            try {
              loadAlertmanagerConfig(text, { source: f, integrations: {} });
            } catch (err) {
              return (err as Error).message;
            }
            return '';
          })();
          expect(thrown, f).toMatch(new RegExp(`${f.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+:\\d+: `));
        }
      }
      expect(disagree).toEqual([]);
      expect(rejected).toBeGreaterThan(10);
    }, 300_000);
  },
);
