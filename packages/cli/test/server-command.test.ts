import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { type RunningApi, startApi, usersAddCommand } from '../src/server-command.js';
import { captureIo } from './helpers.js';
import { fetchUi } from './spawned.js';

const PASSWORD = 'a-long-admin-password-1';
const HOOK = 'http://127.0.0.1:9/hooks/very-secret-path-xyz';
let dir: string;
let api: RunningApi | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'argus-serve-api-'));
});
afterEach(async () => {
  await api?.stop();
  api = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const amYaml = (receiver: string): string =>
  `route:\n  receiver: ${receiver}\nreceivers:\n  - name: ${receiver}\n    webhook_configs:\n      - url: ${HOOK}\n`;

async function login(url: string): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${url}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: 'root', password: PASSWORD }),
  });
  expect(res.status).toBe(200);
  const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  return { cookie, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

it('argus users add prints a one-time password only when none is given', async () => {
  const io = captureIo();
  expect(await usersAddCommand('ops', { dataDir: dir, role: 'operator' }, io, {})).toBe(0);
  expect(io.out).toMatch(/one-time password \(shown only now\): \S{20,}/);
  const io2 = captureIo();
  expect(
    await usersAddCommand('root', { dataDir: dir, role: 'admin' }, io2, { ARGUS_PASSWORD: PASSWORD }),
  ).toBe(0);
  expect(io2.out).not.toContain(PASSWORD);
  expect(await usersAddCommand('x', { dataDir: dir, role: 'root' }, captureIo(), {})).toBe(2);
});

it('serve --api: the first admin logs in; /-/reload keeps a bad config out and applies a good one', async () => {
  await usersAddCommand('root', { dataDir: dir, role: 'admin' }, captureIo(), { ARGUS_PASSWORD: PASSWORD });
  const amFile = join(dir, 'alertmanager.yml');
  writeFileSync(amFile, amYaml('team-a'));
  const io = captureIo();
  api = await startApi(
    { dataDir: dir, retentionMs: 86_400_000, listen: '127.0.0.1:0', alertmanagerConfig: amFile },
    io,
  );
  const { cookie, csrf } = await login(api.url);
  const h = { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' };
  const sil = await fetch(`${api.url}/api/silences`, {
    method: 'POST',
    headers: h,
    body: JSON.stringify({
      matchers: ['alertname="Kept"'],
      endsAt: Date.now() + 3_600_000,
      comment: 'survives reloads',
    }),
  });
  expect(sil.status).toBe(200);
  const receivers = async () =>
    ((await (await fetch(`${api!.url}/api/v2/receivers`, { headers: h })).json()) as { name: string }[]).map(
      (r: { name: string }) => r.name,
    );
  expect(await receivers()).toEqual(['team-a']);

  writeFileSync(amFile, 'route:\n  receiver: nowhere\nreceivers: []\n');
  const bad = await fetch(`${api.url}/-/reload`, {
    method: 'POST',
    headers: { cookie, 'x-csrf-token': csrf },
  });
  expect(bad.status).toBe(400);
  expect(api.failedReloads).toBe(1);
  expect(await receivers()).toEqual(['team-a']);

  writeFileSync(amFile, amYaml('team-b'));
  const good = await fetch(`${api.url}/-/reload`, {
    method: 'POST',
    headers: { cookie, 'x-csrf-token': csrf },
  });
  expect(good.status).toBe(200);
  expect(await receivers()).toEqual(['team-b']);
  const silences = (await (await fetch(`${api.url}/api/silences`, { headers: h })).json()) as {
    comment: string;
  }[];
  expect(silences.map((s: { comment: string }) => s.comment)).toEqual(['survives reloads']);
  const status = await (await fetch(`${api.url}/api/v2/status`, { headers: h })).text();
  expect(status).toContain('team-b');
  expect(status).not.toContain('very-secret-path');
  const audit = (await (await fetch(`${api.url}/api/audit`, { headers: h })).json()) as { action: string }[];
  expect(audit.map((e: { action: string }) => e.action)).toEqual(
    expect.arrayContaining(['reload', 'reloadFailed', 'login', 'silence']),
  );
});

it('serve --api serves the built web UI at / (the index and its script); --no-ui turns it off', async () => {
  const flags = { dataDir: dir, retentionMs: 86_400_000, listen: '127.0.0.1:0' };
  api = await startApi(flags, captureIo());
  expect(api.uiMissing).toBeUndefined();
  expect(await fetchUi(api.url)).toMatchObject({ index: 200, scriptStatus: 200, scriptType: /javascript/ });
  await api.stop();
  api = await startApi({ ...flags, ui: false }, captureIo());
  expect((await fetch(`${api.url}/`)).status).toBe(404);
  expect((await fetch(`${api.url}/-/healthy`)).status).toBe(200);
});

it('serve --api with a --ui-root that holds no built UI fails before anything starts, naming the folder', async () => {
  const flags = { dataDir: dir, retentionMs: 86_400_000, listen: '127.0.0.1:0', uiRoot: dir };
  await expect(startApi(flags, captureIo())).rejects.toThrow(`the web UI folder ${dir} has no index.html`);
});
