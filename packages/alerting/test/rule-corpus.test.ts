// Every file of the public rule-file corpus (fixtures/rule-corpus, see its SOURCES.md) and of Argus's own edge
// cases (fixtures/rule-edge) goes through checkRuleFile and through the real `promtool check rules` 2.42, the
// oracle: accept/reject must agree on every file, the checker never throws, and every problem names file and line.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describeWithBinary, findBinary } from '@argus/testkit';
import { expect, it } from 'vitest';
import { checkRuleFile, type RuleFileCheck } from '../src/index.js';

const fixtures = join(import.meta.dirname, 'fixtures');

function ruleFiles(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) return name === 'licenses' ? [] : ruleFiles(p);
      return /\.ya?ml$/.test(name) ? [p] : [];
    })
    .sort();
}

/** What promtool says of a file: valid, valid with duplicate-rule lint (exit 0 all the same), or invalid. */
type Verdict = 'valid' | 'lint' | 'invalid';

/** promtool's verdict per file (relative to `root`), from one `promtool check rules` run over all of them. */
function promtoolVerdicts(files: readonly string[], root: string): Map<string, Verdict> {
  const rel = files.map((f) => relative(root, f));
  // Go writes both streams unbuffered, so one pipe keeps each file's lines in order
  const run = spawnSync('sh', ['-c', 'exec "$0" check rules "$@" 2>&1', findBinary('promtool')!, ...rel], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const verdicts = new Map<string, Verdict>();
  let current: string | undefined;
  let failed = false;
  for (const line of run.stdout.split('\n')) {
    const m = /^Checking (.+)$/.exec(line);
    if (m) current = m[1];
    else if (current && line.startsWith('  SUCCESS:')) verdicts.set(current, 'valid');
    else if (current && line === '  FAILED:') failed = true;
    else if (current && failed) {
      // the first line after FAILED: a lint (exit code unaffected) or the first error
      verdicts.set(current, line.startsWith('lint error ') ? 'lint' : 'invalid');
      failed = false;
    }
  }
  return verdicts;
}

describeWithBinary(
  [{ bin: 'promtool', pkg: 'prometheus' }],
  'rule files: Argus agrees with promtool 2.42',
  () => {
    const corpus = ruleFiles(join(fixtures, 'rule-corpus'));
    const edge = ruleFiles(join(fixtures, 'rule-edge'));
    const files = [...corpus, ...edge];

    it('uses promtool 2.42 as the oracle', () => {
      const v = spawnSync(findBinary('promtool')!, ['--version'], { encoding: 'utf8' });
      expect(`${v.stdout}${v.stderr}`).toMatch(/promtool, version 2\.42\./);
    });

    it('has at least 200 public rule files', () => {
      expect(corpus.length).toBeGreaterThanOrEqual(200);
    });

    it('accepts and rejects exactly the files promtool does, naming file and line in every problem', () => {
      const { disagreements, unnamed, accepted, linted } = compare(files, fixtures);
      // the counts docs/alerting.md reports
      console.info(
        `rule corpus: ${files.length - disagreements.length}/${files.length} agree (${corpus.length} public, ${edge.length} edge cases; promtool accepts ${accepted}, ${linted} of them with duplicate-rule lint)`,
      );
      expect(disagreements).toEqual([]);
      expect(unnamed).toEqual([]);
    }, 300_000); // ~430 files and one promtool run; minutes on a loaded 2-core machine

    it('agrees on damaged copies too (cut, a line dropped, doubled or shifted, a character replaced)', () => {
      const dir = mkdtempSync(join(tmpdir(), 'argus-rule-damage-'));
      try {
        const damaged = damage(corpus, dir, 300);
        const { disagreements, unnamed } = compare(damaged, dir);
        expect(disagreements).toEqual([]);
        expect(unnamed).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 300_000);
  },
);

/** Runs `files` (under `root`) through promtool and checkRuleFile and lists where they differ. */
function compare(files: readonly string[], root: string) {
  const oracle = promtoolVerdicts(files, root);
  const disagreements: string[] = [];
  const unnamed: string[] = [];
  let accepted = 0;
  let linted = 0;
  for (const f of files) {
    const name = relative(root, f);
    const expected = oracle.get(name);
    if (expected === undefined) throw new Error(`promtool gave no verdict for ${name}`);
    let check: RuleFileCheck;
    try {
      check = checkRuleFile(readFileSync(f), { file: name });
    } catch (e) {
      disagreements.push(`${name}: checker threw ${(e as Error).stack}`);
      continue;
    }
    const { problems, warnings } = check;
    const ours: Verdict = problems.length > 0 ? 'invalid' : warnings.length > 0 ? 'lint' : 'valid';
    if (ours !== expected)
      disagreements.push(`${name}: promtool ${expected}, Argus ${ours} ${problems[0]?.message ?? ''}`);
    for (const p of [...problems, ...warnings])
      if (p.file !== name || !(p.line > 0)) unnamed.push(`${name}: ${JSON.stringify(p)}`);
    if (expected !== 'invalid') accepted++;
    if (expected === 'lint') linted++;
  }
  return { disagreements, unnamed, accepted, linted };
}

/** `count` damaged copies of files of `from`, written to `dir`, chosen by a fixed-seed generator. */
function damage(from: readonly string[], dir: string, count: number): string[] {
  let seed = 20261207;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % Math.max(1, n);
  };
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    const text = readFileSync(from[rand(from.length)]!, 'utf8');
    const lines = text.split('\n');
    const i = rand(lines.length);
    const variants = [
      () => text.slice(0, rand(text.length + 1)),
      () => [...lines.slice(0, i), ...lines.slice(i + 1)].join('\n'),
      () => [...lines.slice(0, i + 1), ...lines.slice(i)].join('\n'),
      () => [...lines.slice(0, i), ` ${lines[i]}`, ...lines.slice(i + 1)].join('\n'),
      () => {
        const at = rand(text.length);
        return text.slice(0, at) + '{}":-#x( '[rand(9)]! + text.slice(at + 1);
      },
    ];
    const file = join(dir, `damaged-${k}.yml`);
    writeFileSync(file, variants[rand(variants.length)]!());
    out.push(file);
  }
  return out;
}
