// End to end in a real headless Chromium against a real @argus/server serving the built UI: log in as an
// operator, see the alert, ack it with a comment, see it acked in the page and in the alert manager's state.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type AlertManager, createAlertManager } from '@argus/alerting';
import { fingerprint, memoryStateStore } from '@argus/core';
import { addUser, createArgusServer } from '@argus/server';
import { createStore } from '@argus/store';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uiRoot } from '../index.js';

const CHROMIUM = '/usr/bin/chromium';
// flags checked on Debian's chromium 156 (no sandbox as root, no network beyond loopback)
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SECRETS = {
  password: 'ui-test-password-Tr0ub4dor&3',
  webhook: 'https://hooks.example.test/services/T0/B0/ui-s3cr3t',
};

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI === 'true')
  throw new Error(
    `${CHROMIUM} is missing: CI needs it (scripts/ensure-binaries.mjs installs Debian's chromium)`,
  );
if (!haveChromium) console.warn(`ui browser test skipped: no ${CHROMIUM} (apt-get install chromium)`);

const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );

describe('built bundle', () => {
  it('exists and carries no secret', () => {
    expect(existsSync(join(uiRoot, 'index.html')), 'run `pnpm --filter @argus/ui build` first').toBe(true);
    const all = files(uiRoot).map((f) => readFileSync(f, 'utf8'));
    expect(all.some((t) => t.includes('api/login'))).toBe(true); // the grep reads the real bundle
    for (const secret of Object.values(SECRETS)) expect(all.some((t) => t.includes(secret))).toBe(false);
  });

  it('stays under 150 kB gzipped (issue 18)', () => {
    const gzipped = files(uiRoot).reduce((n, f) => n + gzipSync(readFileSync(f)).length, 0);
    expect(gzipped).toBeLessThan(150 * 1024);
  });
});

describe.skipIf(!haveChromium)('UI in Chromium against a real server', () => {
  let am: AlertManager;
  let app: Awaited<ReturnType<typeof createArgusServer>>;
  let browser: Browser;
  let base: string;
  const labels = { alertname: 'DiskFull', severity: 'critical', instance: 'db-1' };
  const fp = fingerprint(labels);

  beforeAll(async () => {
    am = createAlertManager({
      config: { route: { receiver: 'ops', groupBy: ['alertname'] }, receivers: [{ name: 'ops' }] },
      durable: false,
    });
    await am.start();
    am.ingest([
      {
        labels,
        annotations: { summary: 'disk almost full' },
        state: 'firing',
        startsAt: Date.now(),
        fingerprint: fp,
        origin: 'test',
      },
      {
        labels: { alertname: 'HighCPU', severity: 'warning', instance: 'web-1' },
        annotations: {},
        state: 'firing',
        startsAt: Date.now(),
        fingerprint: fingerprint({ alertname: 'HighCPU', severity: 'warning', instance: 'web-1' }),
        origin: 'test',
      },
    ]);
    const state = memoryStateStore();
    await addUser(state, { name: 'ops', password: SECRETS.password, role: 'operator' });
    await addUser(state, { name: 'watcher', password: SECRETS.password, role: 'viewer' });
    // 40 samples over the last 10 minutes for the series page
    const store = createStore();
    const now = Date.now();
    for (let i = 0; i < 40; i++)
      store.append({ __name__: 'cpu_usage', host: 'db-1' }, now - (39 - i) * 15_000, 0.5 + (i % 5) / 10);
    app = await createArgusServer({
      alertManager: am,
      store,
      state,
      uiRoot,
      secrets: Object.values(SECRETS),
      config: { notify: { webhook: SECRETS.webhook } },
    });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await am?.stop();
  });

  async function login(user: string) {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/`);
    await page.getByLabel('User').fill(user);
    await page.getByLabel('Password').fill(SECRETS.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator(`tr[data-fingerprint="${fp}"]`).waitFor();
    return { page, errors };
  }

  it('logs in, shows the alert, acks it with a comment; the server holds the ack', async () => {
    const { page, errors } = await login('ops');
    const row = page.locator(`tr[data-fingerprint="${fp}"]`);
    await expect(row.locator('td').nth(1).textContent()).resolves.toBe('active');
    await expect(row.locator('td').nth(2).textContent()).resolves.toBe('critical');
    await row.getByRole('button', { name: 'Ack' }).click();
    await page.getByLabel('Comment').fill('looking at it');
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await row.locator('td.ack', { hasText: 'acked by ops: looking at it' }).waitFor();
    const held = am.alerts().find((a) => a.fingerprint === fp);
    expect(held?.ack).toMatchObject({ by: 'ops', comment: 'looking at it' });
    // the other alert stays un-acked
    expect(
      am
        .alerts()
        .filter((a) => a.ack)
        .map((a) => a.fingerprint),
    ).toEqual([fp]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('filters by matchers, and a silence made from an alert previews then silences only it', async () => {
    const { page } = await login('ops');
    await page.getByLabel('Filter').fill('severity="warning"');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.locator(`tr[data-fingerprint="${fp}"]`).waitFor({ state: 'detached' });
    await expect(page.locator('tbody tr').count()).resolves.toBe(1);
    await page.getByLabel('Filter').fill('');
    await page.getByRole('button', { name: 'Apply' }).click();
    const row = page.locator(`tr[data-fingerprint="${fp}"]`);
    await row.getByRole('button', { name: 'Silence' }).click();
    await page.locator('.preview', { hasText: 'silences 1 alert now' }).waitFor();
    await page.getByLabel('Comment').fill('disk swap tonight');
    await page.getByRole('button', { name: 'Create silence' }).click();
    await row.locator('td', { hasText: 'suppressed' }).waitFor();
    const silences = am.silences().filter((s) => s.state === 'active');
    expect(silences).toHaveLength(1);
    expect(silences[0]?.comment).toBe('disk swap tonight');
    expect(am.alerts().find((a) => a.fingerprint === fp)?.status.state).toBe('suppressed');
    await page.close();
  });

  it('a viewer sees no actions', async () => {
    const { page } = await login('watcher');
    await expect(page.getByRole('button', { name: 'Silence' }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: /^(Ack|Unack)$/ }).count()).resolves.toBe(0);
    await page.close();
  });

  it('draws a PromQL query from the server on the series page', async () => {
    const { page, errors } = await login('watcher');
    await page.getByRole('link', { name: 'Series' }).click();
    await page.getByLabel('Query').fill('cpu_usage{host="db-1"}');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.locator('p.muted', { hasText: /^1 series, \d+ points/ }).waitFor();
    await page.locator('.u-legend', { hasText: 'cpu_usage{host="db-1"}' }).waitFor();
    // the points are the query's steps that hold a sample: 40 samples at 15 s, 5 min lookback, 4 s steps
    const points = Number((await page.locator('p.muted').textContent())?.match(/(\d+) points/)?.[1]);
    expect(points).toBeGreaterThan(40);
    expect(await page.locator('canvas').count()).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });
});
