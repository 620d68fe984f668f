// The secrets `argus run` is given (a receiver's webhook URL in alertmanager.yml, the OIDC client secret from a
// file) appear in none of its server's answers, its live event stream (SSE, replayed from the first frame) or its
// logs, while an alert is routed to that receiver and delivery to it fails. The built CLI runs as a child process.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@argus/testkit';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startOidcProvider, syntheticConfig } from './oidc-fixture.js';
import { login, type Spawned, spawnCli } from './spawned.js';

const OIDC_SECRET = 'oidc-client-secret-never-shown-7731';
// a closed port: every delivery fails, so the failure path (errors, retries, logs) runs too
const HOOK_SECRET = 'hook-path-never-shown-5520';
const HOOK = `http://127.0.0.1:9/hooks/${HOOK_SECRET}`;
let dir: string;
let proc: Spawned | undefined;
let provider: ChildProcess | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'argus-leak-'));
});
afterEach(() => {
  proc?.kill();
  provider?.kill();
  proc = provider = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** Reads the SSE stream until a frame matches `want`; returns all text read. */
async function readEvents(res: Response, want: RegExp): Promise<string> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  while (!want.test(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  await reader.cancel();
  return text;
}

it('argus run shows no receiver or OIDC secret in responses, SSE frames or logs', {
  timeout: 90_000,
}, async () => {
  const { process: idp, issuer } = await startOidcProvider('dana', ['staff']);
  provider = idp;
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  writeFileSync(join(dir, 'oidc-secret'), `${OIDC_SECRET}\n`);
  writeFileSync(
    join(dir, 'alertmanager.yml'),
    `route:\n  receiver: ops\n  group_wait: 0s\nreceivers:\n  - name: ops\n    webhook_configs:\n      - url: ${HOOK}\n`,
  );
  const oidc = `{ issuer: ${JSON.stringify(issuer)}, clientId: argus, clientSecretFile: oidc-secret, redirectUri: ${JSON.stringify(`${base}/api/oidc/callback`)}, roles: { staff: viewer } }`;
  writeFileSync(
    join(dir, 'argus.yaml'),
    syntheticConfig(
      join(dir, 'data'),
      port,
      `alertmanagerConfig: alertmanager.yml\n  auth:\n    oidc: ${oidc}`,
    ),
  );
  proc = spawnCli(['run', join(dir, 'argus.yaml')]);
  await proc.waitFor(/API on (http:\/\/127\.0\.0\.1:\d+)\//);
  const [, password] = await proc.waitFor(/one-time password (\S+)/);
  const admin = await login(base, 'admin', password!);
  const h = { cookie: admin.cookie, 'x-csrf-token': admin.csrf };

  const posted = await fetch(`${base}/api/v2/alerts`, {
    method: 'POST',
    headers: { ...h, 'content-type': 'application/json' },
    body: JSON.stringify([{ labels: { alertname: 'QueueStuck', severity: 'page' } }]),
  });
  expect(posted.status).toBe(200);
  // replayed from the first frame: the alert's history up to its notification to the receiver
  const events = await fetch(`${base}/api/events?lastEventId=0`, { headers: h });
  const frames = await readEvents(events, /"event":"notified"[^\n]*"receiver":"ops"/);
  expect(frames).toMatch(/event: history\n/);
  expect(frames).toMatch(/"event":"notified"/);

  const answers = [frames];
  for (const path of [
    '/api/config',
    '/api/v2/status',
    '/api/v2/receivers',
    '/api/v2/alerts',
    '/api/alerts',
    '/api/history',
    '/api/health',
    '/api/session',
    '/api/oidc/login',
    '/metrics',
  ]) {
    const res = await fetch(`${base}${path}`, { headers: h, redirect: 'manual' });
    answers.push(`${path} ${res.status} ${JSON.stringify([...res.headers])} ${await res.text()}`);
  }
  // the config is shown, its secrets are not: the check reads real answers
  expect(answers.find((a) => a.startsWith('/api/config 200'))).toContain('alertmanagerConfig');
  expect(answers.find((a) => a.startsWith('/api/v2/status 200'))).toContain('webhook_configs');
  proc.child.kill('SIGTERM');
  expect(await proc.exited).toBe(0);
  for (const secret of [OIDC_SECRET, HOOK_SECRET]) {
    for (const a of answers) expect(a).not.toContain(secret);
    expect(proc.output()).not.toContain(secret);
  }
});
