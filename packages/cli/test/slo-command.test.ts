// `argus slo generate`: the rule file of an SLO file, accepted by the real promtool check rules 2.42.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { main } from '../src/index.js';
import { captureIo } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-slo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

// the example of docs/alerting.md
const SLO = `service: shop
window: 30d
interval: 30s
slos:
  - name: availability
    objective: 99.9
    sli:
      events:
        errors: sum(rate(http_requests_total{job="api", code=~"5.."}[{{.window}}]))
        total: sum(rate(http_requests_total{job="api"}[{{.window}}]))
    alerting:
      annotations: { runbook_url: https://example.com/runbooks/availability }
  - name: latency
    objective: 99
    sli:
      latency: { metric: http_request_duration_seconds, thresholdSeconds: 0.3, matchers: 'job="api"', by: [route] }
    alerting: { ticket: { disable: true } }
`;

async function run(...args: string[]) {
  const io = captureIo();
  const code = await main(args, io);
  return { code, out: io.out, err: io.err };
}

interface RuleFile {
  groups: { name: string; interval: string; rules: { record?: string; alert?: string; expr: string }[] }[];
}

describe('argus slo generate', { timeout: 60_000 }, () => {
  const slo = file('slo.yaml', SLO);

  it('prints a rule file with the groups, recordings and burn-rate alerts of each SLO', async () => {
    const r = await run('slo', 'generate', slo);
    expect(r.code).toBe(0);
    const doc = parse(r.out) as RuleFile;
    expect(doc.groups.map((g) => g.name)).toEqual([
      'slo-shop-availability',
      'slo-shop-availability-budget',
      'slo-shop-latency',
      'slo-shop-latency-budget',
    ]);
    const rules = doc.groups.flatMap((g) => g.rules);
    const alerts = rules.filter((x) => x.alert !== undefined);
    // availability pages and tickets; latency's ticket is disabled
    expect(alerts).toHaveLength(3);
    expect(rules.filter((x) => x.record === 'slo:sli_error:ratio_rate5m')).toHaveLength(2);
    expect(r.err).toBe(`argus slo: ${slo}: 4 groups, ${rules.length - 3} recording rules, 3 alerts\n`);
  });

  it('writes --out, and the real promtool check rules accepts the file', async () => {
    const out = join(dir, 'rules.yml');
    const r = await run('slo', 'generate', slo, '--out', out);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    expect(r.err).toContain(`written to ${out}`);
    const doc = parse(readFileSync(out, 'utf8')) as RuleFile;
    const n = doc.groups.flatMap((g) => g.rules).length;
    const promtool = execFileSync('promtool', ['check', 'rules', out], { encoding: 'utf8' });
    expect(promtool).toContain(`SUCCESS: ${n} rules found`);
  });

  it('exits 1 naming the SLO field of an invalid file, and 2 without a file', async () => {
    const bad = file('bad.yaml', SLO.replace('objective: 99.9', 'objective: 150'));
    const r = await run('slo', 'generate', bad);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/objective/);
    const missing = await run('slo', 'generate', join(dir, 'nope.yaml'));
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('cannot read');
    expect((await run('slo')).code).toBe(2);
    expect((await run('slo', 'generate')).code).toBe(2);
  });
});
