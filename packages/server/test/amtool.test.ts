// Alertmanager API v2 compatibility, checked with the real amtool 0.25 (Debian prometheus-alertmanager).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describeWithBinary, findBinary } from '@argus/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Role } from '../src/auth/roles.js';
import { type TestServer, testServer } from './helpers.js';

const run = promisify(execFile);

let s: TestServer;
let url: string;
let dir: string;

beforeAll(async () => {
  s = await testServer();
  url = await s.app.listen({ host: '127.0.0.1', port: 0 });
  dir = mkdtempSync(join(tmpdir(), 'argus-amtool-'));
  for (const role of ['sender', 'operator', 'viewer'] as const)
    writeFileSync(
      join(dir, `${role}.yml`),
      `authorization:\n  type: Bearer\n  credentials: ${s.tokens[role]}\n`,
    );
});
afterAll(async () => {
  await s?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function amtool(role: Role | undefined, ...args: string[]): Promise<string> {
  const auth = role ? [`--http.config.file=${join(dir, `${role}.yml`)}`] : [];
  const { stdout } = await run(findBinary('amtool')!, [`--alertmanager.url=${url}`, ...auth, ...args], {
    timeout: 20_000,
  });
  return stdout;
}

describeWithBinary([{ bin: 'amtool', pkg: 'prometheus-alertmanager' }], 'amtool 0.25 against Argus', () => {
  it('alert add, then alert query shows it (JSON and default output)', async () => {
    await amtool(
      'sender',
      'alert',
      'add',
      'alertname=AmtoolTest',
      'severity=critical',
      '--annotation=summary=from amtool',
    );
    const list = JSON.parse(await amtool('viewer', 'alert', 'query', '-o', 'json'));
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      labels: { alertname: 'AmtoolTest', severity: 'critical' },
      annotations: { summary: 'from amtool' },
      status: { state: 'active' },
      receivers: [{ name: 'ops' }],
    });
    expect(await amtool('viewer', 'alert', 'query', 'severity=critical')).toContain('AmtoolTest');
    expect(await amtool('viewer', 'alert', 'query', 'severity=warning')).not.toContain('AmtoolTest');
    expect(s.am.alerts()[0]!.labels).toEqual({ alertname: 'AmtoolTest', severity: 'critical' });
  });

  it('silence add / query / expire round-trips, and the alert shows as suppressed meanwhile', async () => {
    await amtool('sender', 'alert', 'add', 'alertname=Silenced', 'instance=web-1');
    const id = (
      await amtool(
        'operator',
        'silence',
        'add',
        'alertname=Silenced',
        'instance=~"web-.*"',
        '-c',
        'deploy',
        '-a',
        'ops-team',
        '-d',
        '1h',
      )
    ).trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const listed = JSON.parse(await amtool('viewer', 'silence', 'query', '-o', 'json'));
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      id,
      createdBy: 'ops-team',
      comment: 'deploy',
      status: { state: 'active' },
      matchers: expect.arrayContaining([{ name: 'instance', value: 'web-.*', isRegex: true, isEqual: true }]),
    });
    expect(await amtool('viewer', 'silence', 'query', 'alertname=Silenced', '-q')).toContain(id);
    const alerts = JSON.parse(
      await amtool('viewer', 'alert', 'query', '-s', '-o', 'json', 'alertname=Silenced'),
    );
    expect(alerts[0].status).toMatchObject({ state: 'suppressed', silencedBy: [id] });
    await amtool('operator', 'silence', 'expire', id);
    expect(s.am.silences()[0]!.state).toBe('expired');
    const expired = JSON.parse(await amtool('viewer', 'silence', 'query', '--expired', '-o', 'json'));
    expect(expired.map((x: { id: string }) => x.id)).toContain(id);
  });

  it('fails without credentials and with a role that may not write', async () => {
    await expect(amtool(undefined, 'alert', 'query')).rejects.toThrow(/401|nauthorized/);
    await expect(amtool('viewer', 'silence', 'add', 'alertname=X', '-c', 'x', '-a', 'me')).rejects.toThrow(
      /403|orbidden/,
    );
    expect(s.am.silences().filter((x) => x.matchers.includes('alertname="X"'))).toEqual([]);
  });
});
