// The generated rule file must pass the real `promtool check rules` (Debian's prometheus package, 2.42).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithBinary } from '@argus/testkit';
import { afterAll, expect, it } from 'vitest';
import { sloRuleFile } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-slo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const check = (yamlText: string): { ok: boolean; output: string } => {
  const path = join(dir, `rules-${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(path, yamlText);
  try {
    return {
      ok: true,
      output: execFileSync('promtool', ['check', 'rules', path], {
        encoding: 'utf8',
        // stderr piped, not inherited: the broken file's expected complaint belongs to the test, not the log
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
};

describeWithBinary([{ bin: 'promtool', pkg: 'prometheus' }], 'SLO rule file vs promtool check rules', () => {
  it('passes for event and latency SLIs (27 rules: 14 and 13)', () => {
    const text = sloRuleFile({
      service: 'shop',
      labels: { team: 'payments' },
      slos: [
        {
          name: 'availability',
          objective: 99.9,
          sli: {
            events: {
              errors: 'sum by (route) (rate(http_requests_total{code=~"5.."}[{{.window}}]))',
              total: 'sum by (route) (rate(http_requests_total[{{.window}}]))',
            },
          },
          alerting: { annotations: { runbook_url: 'https://example.com/runbook' } },
        },
        {
          name: 'latency',
          objective: 95,
          sli: {
            latency: {
              metric: 'http_request_duration_seconds',
              thresholdSeconds: 0.25,
              matchers: 'job="api"',
            },
          },
          alerting: { ticket: { disable: true } },
        },
      ],
    });
    const r = check(text);
    expect(r.output).toContain('SUCCESS: 27 rules found');
    expect(r.ok).toBe(true);
  });

  it('and promtool does reject a broken expression (the check can fail)', () => {
    const text = sloRuleFile({
      service: 'shop',
      slos: [
        {
          name: 'x',
          objective: 99,
          sli: { events: { errors: 'sum(rate(a[{{.window}}])', total: 'b[{{.window}}]' } },
        },
      ],
    });
    expect(check(text).ok).toBe(false);
  });
});
