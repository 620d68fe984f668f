// Receiver URLs (Slack, Teams, Discord, webhook: their paths carry the credentials) from the alertmanager.yml and
// the configuration in force are known secrets, not only hidden under their key in the config views: an error
// message or an audit entry quoting one shows `<secret>`. The server is given no `secrets` list here, so only the
// configuration can have taught it these values.
import { afterEach, describe, expect, it } from 'vitest';
import { configSecrets, Redactor } from '../src/redact.js';
import { auth, SECRETS, type TestServer, testServer } from './helpers.js';

const SLACK = 'https://hooks.slack.com/services/T0AAAA/B0BBBB/slack-secret-path-1234';
const TEAMS = 'https://example.webhook.office.com/webhookb2/teams-secret-path-5678';
const RELOADED = 'https://discord.com/api/webhooks/42/discord-secret-path-9012';
const amYaml = (url: string): string =>
  `global:\n  slack_api_url: '${url}'\nroute:\n  receiver: ops\nreceivers:\n  - name: ops\n    slack_configs:\n      - channel: '#ops'\n`;

let s: TestServer | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

describe('receiver URLs from the configuration are known secrets', () => {
  it('an error quoting one, the audit entry of it, the config views and log lines never show it', async () => {
    let reloadError = `receivers[0].slack_configs[0]: cannot reach ${SLACK}`;
    const t = (s = await testServer({
      secrets: [SECRETS.password],
      alertmanagerYaml: amYaml(SLACK),
      config: { notify: { teams: { webhookUrl: TEAMS } }, intervalMs: 15000 },
      reload: async () => {
        throw new Error(reloadError);
      },
    }));
    const admin = auth(t.tokens.admin);
    const failed = await t.app.inject({ method: 'POST', url: '/-/reload', headers: admin });
    expect(failed.statusCode).toBe(400);
    expect(failed.json().message).toBe(
      'configuration not reloaded: receivers[0].slack_configs[0]: cannot reach <secret>',
    );
    reloadError = `the Teams receiver answered 404 for ${TEAMS}`;
    expect((await t.app.inject({ method: 'POST', url: '/-/reload', headers: admin })).body).toContain(
      '<secret>',
    );
    await t.app.argus.flushed();
    const audit = await t.app.inject({ url: '/api/audit', headers: admin });
    expect(audit.body).toContain('reloadFailed');
    for (const url of ['/api/config', '/api/v2/status', '/api/v2/receivers', '/api/health', '/api/plugins'])
      expect((await t.app.inject({ url, headers: admin })).statusCode).toBe(200);

    // a reload brings a new receiver URL: it is known from then on
    t.app.argus.replace({ alertmanagerYaml: amYaml(RELOADED) });
    reloadError = `discord: POST ${RELOADED} failed`;
    const after = await t.app.inject({ method: 'POST', url: '/-/reload', headers: admin });
    expect(after.json().message).toBe('configuration not reloaded: discord: POST <secret> failed');

    expect(t.seen.length).toBeGreaterThan(8);
    for (const line of t.seen) for (const url of [SLACK, TEAMS, RELOADED]) expect(line).not.toContain(url);
  });
});

describe('configSecrets', () => {
  it('takes the values of secret keys from the YAML and credential-bearing URLs from the config', () => {
    const yaml = [
      'global:',
      `  slack_api_url: "${SLACK}"`,
      '  smtp_auth_password: hunter2-hunter2 # the relay',
      '  slack_api_url_file: /etc/alertmanager/slack-url',
      'receivers:',
      '  - name: hook',
      '    webhook_configs:',
      `      - url: ${RELOADED}`,
      '        send_resolved: true',
    ].join('\n');
    const config = {
      sources: [{ url: 'http://127.0.0.1:9090' }],
      notify: [{ webhookUrl: TEAMS }, { tokenEnv: 'ARGUS_TOKEN', clientSecretFile: 'secret.txt' }],
      server: { listen: '127.0.0.1:9093' },
    };
    expect(configSecrets({ alertmanagerYaml: yaml, config })).toEqual([
      SLACK,
      'hunter2-hunter2',
      RELOADED,
      TEAMS,
    ]);
  });
});

describe('secrets in YAML written in flow style, block scalars, aliases and lists', () => {
  const HOOK = 'https://hooks.example.com/flow-secret-path-3456';
  const KEY = 'pd-routing-key-7890';
  const PASSWORD = 'first line of a password\nsecond line';
  const yamlText = [
    'global:',
    `  slack_api_url: &slack '${SLACK}' # shared below`,
    '  smtp_auth_password: |',
    '    first line of a password',
    '    second line',
    '  smtp_auth_password_file: /etc/alertmanager/smtp-password',
    'route: { receiver: hook, group_by: [alertname] }',
    'receivers:',
    `  - { name: hook, webhook_configs: [ { url: "${HOOK}", send_resolved: true } ] }`,
    `  - name: pager`,
    `    pagerduty_configs: [ { routing_key: ${KEY}, severity: critical } ]`,
    '  - name: chat',
    '    slack_configs:',
    '      - api_url: *slack',
    "        channel: '#ops'",
    '    tokens: [ tok-aaaa-1111, tok-bbbb-2222 ]',
    '',
  ].join('\n');

  it('configSecrets finds every one of them', () => {
    expect(configSecrets({ alertmanagerYaml: yamlText })).toEqual([
      SLACK,
      `${PASSWORD}\n`,
      HOOK,
      KEY,
      SLACK,
      'tok-aaaa-1111',
      'tok-bbbb-2222',
    ]);
  });

  it('the shown YAML hides them, still parses, and keeps everything else as written', async () => {
    const { parse } = await import('yaml');
    const shown = new Redactor(configSecrets({ alertmanagerYaml: yamlText })).yaml(yamlText);
    for (const secret of [SLACK, HOOK, KEY, 'first line of a password', 'second line', 'tok-aaaa-1111'])
      expect(shown).not.toContain(secret);
    const parsed = parse(shown);
    expect(parsed.global.slack_api_url).toBe('http://<secret>/');
    expect(parsed.global.smtp_auth_password).toBe('<secret>');
    expect(parsed.global.smtp_auth_password_file).toBe('/etc/alertmanager/smtp-password');
    expect(parsed.route).toEqual({ receiver: 'hook', group_by: ['alertname'] });
    expect(parsed.receivers[0]).toEqual({
      name: 'hook',
      webhook_configs: [{ url: 'http://<secret>/', send_resolved: true }],
    });
    expect(parsed.receivers[1].pagerduty_configs).toEqual([
      { routing_key: '<secret>', severity: 'critical' },
    ]);
    // the alias is shown as written; what it names is hidden where the anchor is
    expect(parsed.receivers[2].slack_configs[0]).toEqual({ api_url: 'http://<secret>/', channel: '#ops' });
    expect(parsed.receivers[2].tokens).toEqual(['<secret>', '<secret>']);
    expect(shown).toContain('# shared below');
  });

  it('a text that does not parse is still shown with the values of secret lines hidden', () => {
    const broken = `global:\n  smtp_auth_password: hunter2-hunter2\nroute: { receiver: [\n`;
    expect(configSecrets({ alertmanagerYaml: broken })).toEqual(['hunter2-hunter2']);
    const shown = new Redactor().yaml(broken);
    expect(shown).not.toContain('hunter2');
    expect(shown).toContain('route: { receiver: [');
  });
});
