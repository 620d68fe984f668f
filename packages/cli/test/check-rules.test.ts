import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/index.js';
import { captureIo } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-check-rules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

async function check(...files: string[]) {
  const io = captureIo();
  const code = await main(['check', 'rules', ...files], io);
  return { code, out: io.out, err: io.err };
}

describe('argus check rules', () => {
  const good = file(
    'good.yml',
    'groups:\n- name: g\n  rules:\n  - alert: Down\n    expr: up == 0\n  - record: job:up:sum\n    expr: sum by (job) (up)\n',
  );
  const empty = file('empty.yml', '');
  const bad = file('bad.yml', 'groups:\n- name: g\n  rules:\n  - record: job-up\n    expr: sum(up\n');

  it('exits 0 when every file is valid, counting rules as promtool does', async () => {
    const r = await check(good, empty);
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      `Checking ${good}\n  SUCCESS: 2 rules found\n\nChecking ${empty}\n  SUCCESS: 0 rules found\n\n`,
    );
    expect(r.err).toBe('');
  });

  it('exits 1 when one is not, one line per problem with file, line, rule and code', async () => {
    const r = await check(good, bad);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`Checking ${bad}\n`);
    expect(r.err.split('\n').filter((l) => l.startsWith(bad))).toEqual([
      `${bad}:5:11: group "g", rule 1, "job-up": could not parse expression: 1:7: parse error: unclosed left parenthesis [ERR_RULES_EXPR]`,
      `${bad}:4:13: group "g", rule 1, "job-up": invalid recording rule name: job-up [ERR_RULES_RECORD_NAME]`,
    ]);
  });

  it('fails on a file it cannot read, and needs at least one file', async () => {
    const r = await check(join(dir, 'missing.yml'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/missing\.yml:0:0: .*ENOENT.*\[ERR_RULES_READ\]/);
    expect((await check()).code).toBe(2);
  });

  it('prints duplicate rules as warnings and still exits 0, as promtool does without --lint-fatal', async () => {
    const dup = file(
      'dup.yml',
      'groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n  - alert: A\n    expr: up\n',
    );
    const r = await check(dup);
    expect(r.code).toBe(0);
    expect(r.err).toContain('[WARN_RULES_DUPLICATE_RULE]');
  });
});
