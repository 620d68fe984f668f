import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAlertmanagerConfig, type Notifier } from '@argus/alerting';
import { sampleNotification } from '@argus/alerting/testing';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { profileCredentials } from '../src/aws-credentials.js';
import { notifierIntegrations } from '../src/index.js';
import { type ApiHandler, apiServer, snsApi, stsApi } from './fixtures/apis.js';

// Alertmanager's `sigv4.profile` and `sigv4.role_arn` for sns_configs: a profile of the shared credentials file,
// and STS AssumeRole whose temporary keys (with their session token) sign Publish.

const REGION = 'eu-west-1';
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:alerts';
const ROLE = 'arn:aws:iam::123456789012:role/alerting';
const dir = mkdtempSync(join(tmpdir(), 'argus-sns-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());

const send = (n: Notifier) => n.send(sampleNotification('firing'), { signal: AbortSignal.timeout(10_000) });

function snsFrom(url: string, sigv4: string): Notifier {
  const cfg = loadAlertmanagerConfig(
    `route: { receiver: r }
receivers:
  - name: r
    sns_configs: [{ api_url: '${url}', topic_arn: '${TOPIC}', sigv4: ${sigv4} }]`,
    { integrations: notifierIntegrations },
  );
  return cfg.receivers[0]?.notifiers?.[0] as Notifier;
}

/** One endpoint for both APIs, as Alertmanager's AWS session sends AssumeRole to `api_url` too. */
const aws =
  (sts: ApiHandler, sns: ApiHandler): ApiHandler =>
  (r) =>
    new URLSearchParams(r.raw).get('Action') === 'AssumeRole' ? sts(r) : sns(r);

describe('shared credentials file profiles', () => {
  it('reads the named section only, ignoring comments and spacing', () => {
    const text = `# comment
[default]
aws_access_key_id = AKIDDEFAULT
aws_secret_access_key = d

[ ops ]
; another comment
aws_access_key_id=AKIDOPS
aws_secret_access_key =  s3cr3t
aws_session_token = tok
`;
    expect(profileCredentials(text, 'ops')).toEqual({
      accessKey: 'AKIDOPS',
      secretKey: 's3cr3t',
      sessionToken: 'tok',
    });
    expect(profileCredentials(text, 'default')).toEqual({ accessKey: 'AKIDDEFAULT', secretKey: 'd' });
    expect(profileCredentials(text, 'missing')).toBeUndefined();
  });

  it('sigv4.profile signs Publish with that profile, read from AWS_SHARED_CREDENTIALS_FILE', async () => {
    const file = join(dir, 'credentials');
    writeFileSync(
      file,
      '[default]\naws_access_key_id=AKIDWRONG\naws_secret_access_key=x\n[ops]\naws_access_key_id=AKIDOPS\naws_secret_access_key=y\n',
    );
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', file);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDENV');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'z');
    const s = await apiServer(snsApi('AKIDOPS', REGION));
    try {
      expect(await send(snsFrom(s.url, `{ region: ${REGION}, profile: ops }`))).toMatchObject({ ok: true });
      expect(s.accepted).toHaveLength(1);
    } finally {
      await s.close();
    }
  });

  it('a profile missing from the file fails the send naming the profile and the file', async () => {
    const file = join(dir, 'credentials-empty');
    writeFileSync(file, '[default]\n');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', file);
    const r = await send(snsFrom('http://127.0.0.1:9/', `{ region: ${REGION}, profile: ops }`));
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.error.message).toContain(
      `sigv4.profile "ops": no aws_access_key_id and aws_secret_access_key in [ops] of ${file}`,
    );
  });
});

describe('sigv4.role_arn (STS AssumeRole)', () => {
  const temp = {
    accessKey: 'ASIATEMP',
    secretKey: 'tempsecret',
    token: 'SESSION-TOKEN',
    expires: new Date(Date.now() + 3_600_000),
  };

  it('assumes the role once with the static keys and signs Publish with the temporary keys and token', async () => {
    const s = await apiServer(aws(stsApi('AKIDBASE', REGION, temp), snsApi('ASIATEMP', REGION)));
    try {
      const n = snsFrom(
        s.url,
        `{ region: ${REGION}, access_key: AKIDBASE, secret_key: b, role_arn: '${ROLE}' }`,
      );
      expect(await send(n)).toMatchObject({ ok: true });
      expect(await send(n)).toMatchObject({ ok: true });
      const actions = s.accepted.map((r) => new URLSearchParams(r.raw).get('Action'));
      expect(actions).toEqual(['AssumeRole', 'Publish', 'Publish']);
      expect(new URLSearchParams(s.accepted[0]?.raw).get('RoleArn')).toBe(ROLE);
      expect(s.accepted.slice(1).map((r) => r.headers['x-amz-security-token'])).toEqual([
        'SESSION-TOKEN',
        'SESSION-TOKEN',
      ]);
    } finally {
      await s.close();
    }
  });

  it('assumes the role again when the temporary keys are about to expire', async () => {
    const soon = { ...temp, expires: new Date(Date.now() + 30_000) };
    const s = await apiServer(aws(stsApi('AKIDBASE', REGION, soon), snsApi('ASIATEMP', REGION)));
    try {
      const n = snsFrom(
        s.url,
        `{ region: ${REGION}, access_key: AKIDBASE, secret_key: b, role_arn: '${ROLE}' }`,
      );
      await send(n);
      await send(n);
      const actions = s.accepted.map((r) => new URLSearchParams(r.raw).get('Action'));
      expect(actions).toEqual(['AssumeRole', 'Publish', 'AssumeRole', 'Publish']);
    } finally {
      await s.close();
    }
  });

  it('a refused AssumeRole fails the send without publishing; the error names STS, not the keys', async () => {
    const s = await apiServer(aws(stsApi('AKIDOTHER', REGION, temp), snsApi('ASIATEMP', REGION)));
    try {
      const r = await send(
        snsFrom(s.url, `{ region: ${REGION}, access_key: AKIDBASE, secret_key: b, role_arn: '${ROLE}' }`),
      );
      expect(r).toMatchObject({ ok: false, retryable: false, status: 403 });
      expect(r.ok ? '' : r.error.message).toMatch(/^sns \(sts\): HTTP 403/);
      expect(r.ok ? '' : r.error.message).not.toContain('AKIDBASE');
      expect(s.accepted).toHaveLength(0);
    } finally {
      await s.close();
    }
  });
});
