import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fakeClock, findBinary } from '@argus/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkAlertmanagerConfig,
  createAlertManager,
  type IntegrationFactory,
  loadAlertmanagerConfig,
} from '../src/index.js';
import { firing } from './am-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'am-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Whether amtool 0.25 accepts the file; undefined where it is not installed (a failure with CI=true). */
function amtoolAccepts(path: string): boolean | undefined {
  const amtool = findBinary('amtool');
  if (!amtool) {
    if (process.env['CI'] === 'true')
      throw new Error('amtool missing in CI: apt-get install prometheus-alertmanager');
    return undefined;
  }
  try {
    execFileSync(amtool, ['check-config', path], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

const base = (extra: string, receiver = '  - name: r\n'): string =>
  `route:\n  receiver: r\n${extra}receivers:\n${receiver}`;

// Each case: the file, whether amtool 0.25 accepts it, and the first problem Argus reports (line and text).
const cases: [name: string, yaml: string, ok: boolean, first?: [number, RegExp]][] = [
  [
    'a typo in a route field',
    base('  group_wiat: 30s\n'),
    false,
    [3, /unknown field "group_wiat".*did you mean "group_wait"/],
  ],
  [
    'an unclosed quote in a matcher',
    base('', "  - name: r\ninhibit_rules:\n  - target_matchers: ['severity =~ \"warning|info']\n"),
    false,
    [6, /unescaped double quote/],
  ],
  [
    'an empty regex (valid in 0.25)',
    base('  routes:\n    - receiver: r\n      matchers: [\'a=~""\']\n'),
    true,
  ],
  [
    'two matchers in one string',
    base('  routes:\n    - receiver: r\n      matchers: [\'a="1", b=~"x|y"\']\n'),
    true,
  ],
  [
    'api_url with api_url_file',
    base(
      '',
      "  - name: r\n    slack_configs:\n      - api_url: 'https://hooks.slack.com/x'\n        api_url_file: /s\n",
    ),
    false,
    [7, /at most one of api_url & api_url_file/],
  ],
  [
    'password with password_file',
    base(
      '',
      "  - name: r\n    webhook_configs:\n      - url: 'http://a.example:1/'\n        http_config:\n          basic_auth: { username: u, password: p, password_file: /p }\n",
    ),
    false,
    [8, /basic_auth password & password_file/],
  ],
  [
    'a misplaced top-level slack_configs',
    `${base('')}slack_configs: []\n`,
    false,
    [5, /unknown field "slack_configs" in config/],
  ],
  ['PagerDuty v1 service_key', base('', '  - name: r\n    pagerduty_configs: [{ service_key: k }]\n'), true],
  [
    'a webhook URL without http(s)',
    base('', "  - name: r\n    webhook_configs: [{ url: 'ftp://a.example/' }]\n"),
    false,
    [5, /unsupported scheme "ftp"/],
  ],
  [
    'an undefined receiver',
    base('  routes: [{ receiver: nope }]\n'),
    false,
    [3, /undefined receiver "nope"/],
  ],
  ['a duplicate key', base('  receiver: r\n'), false, [3, /unique/i]],
  ['a bad duration', base('  group_wait: 1.5m\n'), false, [3, /not a valid duration/]],
  [
    'an email without a smarthost',
    base('', '  - name: r\n    email_configs: [{ to: a@b.c, from: x@b.c }]\n'),
    false,
    [5, /SMTP smarthost/],
  ],
  [
    'a time range ending before it starts',
    `${base('')}time_intervals:\n  - name: t\n    time_intervals: [{ times: [{ start_time: '18:00', end_time: '09:00' }] }]\n`,
    false,
    [7, /start time cannot be equal or greater than end time/],
  ],
  [
    'days of month from negative to positive',
    `${base('')}time_intervals:\n  - name: t\n    time_intervals: [{ days_of_month: ['-3:5'] }]\n`,
    false,
    [7, /end day must be negative/],
  ],
  [
    'weekdays in any case and a month number 0.25 does not range-check',
    `${base('')}time_intervals:\n  - name: t\n    time_intervals: [{ weekdays: ['Monday:FRIDAY'], months: ['13'], location: Europe/Berlin }]\n`,
    true,
  ],
];

describe('checkAlertmanagerConfig: templates: files, parsed as amtool check-config does', () => {
  // template files next to the config, as Alertmanager resolves relative globs
  const tmplCases: [name: string, template: string | undefined, ok: boolean, message?: RegExp][] = [
    [
      'a template with a syntax error',
      '{{ define "a" }}{{ .Foo {{ end }}',
      false,
      /bad\.tmpl:1: unexpected "\{" in operand/,
    ],
    [
      'a template calling a function Alertmanager lacks',
      '{{ define "a" }}{{ humanize .X }}{{ end }}',
      false,
      /function "humanize" not defined/,
    ],
    [
      "a template with Alertmanager's functions",
      '{{ define "a" }}{{ .X | toUpper | title }}{{ join "," .Y }}{{ safeHtml "x" }}{{ end }}',
      true,
    ],
    ['a glob that matches nothing', undefined, true],
  ];
  it.each(tmplCases)('%s', (name, template, ok, message) => {
    const at = join(dir, name.replace(/\W+/g, '-'));
    mkdirSync(join(at, 'tmpl'), { recursive: true });
    if (template !== undefined) writeFileSync(join(at, 'tmpl', 'bad.tmpl'), template);
    const yaml = base("templates: ['tmpl/*.tmpl']\n");
    writeFileSync(join(at, 'am.yml'), yaml);
    const r = checkAlertmanagerConfig(yaml, { baseDir: at });
    expect(r.ok, name).toBe(ok);
    if (message) {
      expect(r.problems[0]).toMatchObject({ severity: 'error', line: 3, col: 1 });
      expect(r.problems[0]!.message).toMatch(message);
    } else expect(r.problems).toEqual([]);
    const theirs = amtoolAccepts(join(at, 'am.yml'));
    if (theirs !== undefined) expect(theirs, `amtool on ${name}`).toBe(ok);
  });
});

describe('checkAlertmanagerConfig', () => {
  it.each(cases)('%s', (name, yaml, ok, first) => {
    const r = checkAlertmanagerConfig(yaml);
    expect(r.ok, name).toBe(ok);
    if (first) {
      const err = r.problems.find((p) => p.severity === 'error')!;
      expect(err.line).toBe(first[0]);
      expect(err.message).toMatch(first[1]);
    } else expect(r.problems).toEqual([]);
    const path = join(dir, `${name.replace(/\W+/g, '-')}.yml`);
    writeFileSync(path, yaml);
    const theirs = amtoolAccepts(path);
    if (theirs !== undefined) expect(theirs, `amtool on ${name}`).toBe(ok);
  });

  it('accepts newer receivers Argus supports (msteamsv2_configs), which amtool 0.25 rejects', () => {
    const r = checkAlertmanagerConfig(
      base('', "  - name: r\n    msteamsv2_configs: [{ webhook_url: 'https://example.org/hook' }]\n"),
    );
    expect(r.ok).toBe(true);
  });

  it('warns about a missing *_file secret (read when sending) without failing', () => {
    const r = checkAlertmanagerConfig(
      base('', '  - name: r\n    slack_configs: [{ api_url_file: missing.txt }]\n'),
      {
        baseDir: dir,
      },
    );
    expect(r.ok).toBe(true);
    expect(r.problems).toMatchObject([
      { severity: 'warning', line: 5, message: /api_url_file "missing.txt" does not exist/ },
    ]);
  });
});

// Edge cases of value types, regex dialects, URLs and durations (fixtures/am-cases, written for this test): Argus
// and amtool 0.25 must agree on each, and every rejection has a line.
const casesDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'am-cases');
describe.each(readdirSync(casesDir).filter((f) => f.endsWith('.yml')))('am-cases/%s', (f) => {
  it('is accepted or rejected as amtool 0.25 does', () => {
    const path = join(casesDir, f);
    const r = checkAlertmanagerConfig(readFileSync(path, 'utf8'));
    for (const p of r.problems) expect(p.line).toBeGreaterThan(0);
    const theirs = amtoolAccepts(path);
    if (theirs !== undefined) expect(r.ok).toBe(theirs);
  });
});

describe('loadAlertmanagerConfig', () => {
  it('passes factories snake_case entries with the global defaults applied', () => {
    const seen: Record<string, unknown>[] = [];
    const capture: IntegrationFactory = (entry) => {
      seen.push(entry);
      return { kind: 'notifier', name: 'x', type: 'x', send: async () => ({ ok: true }) };
    };
    loadAlertmanagerConfig(
      `global:\n  slack_api_url: 'https://hooks.slack.com/g'\n  http_config: { follow_redirects: false }\n${base(
        '',
        '  - name: r\n    slack_configs: [{ channel: "#a" }]\n    pagerduty_configs: [{ routing_key: k }]\n',
      )}`,
      { integrations: { slack_configs: capture, pagerduty_configs: capture } },
    );
    expect(seen).toEqual([
      { channel: '#a', api_url: 'https://hooks.slack.com/g', http_config: { follow_redirects: false } },
      {
        routing_key: 'k',
        url: 'https://events.pagerduty.com/v2/enqueue',
        http_config: { follow_redirects: false },
      },
    ]);
  });

  it('keeps source_match values with quotes, tabs and backslashes exact', async () => {
    const config = loadAlertmanagerConfig(
      `${base('', '  - name: r\n')}inhibit_rules:\n  - source_match: { k: "a\\"b\\tc\\\\d" }\n    target_match: { t: w }\n`,
    );
    const am = createAlertManager({ config, clock: fakeClock({ now: 0 }) });
    await am.start();
    am.ingest([firing({ alertname: 'S', k: 'a"b\tc\\d' }, 0), firing({ alertname: 'T', t: 'w' }, 0)]);
    const target = am.alerts().find((a) => a.labels['alertname'] === 'T')!;
    expect(target.status.inhibitedBy).toHaveLength(1);
    await am.stop();
  });

  it('rejects what amtool rejects, naming file, line and column', () => {
    expect(() => loadAlertmanagerConfig(base('  group_wiat: 30s\n'), { source: 'am.yml' })).toThrow(
      /am\.yml:3:3: unknown field "group_wiat" in config\.route \(did you mean "group_wait"\?\)/,
    );
  });
});
