// End to end against the real `argus demo`: the built CLI runs as a process on a free loopback port, and a headless
// Chromium opens the one-time login link it prints. The injected anomaly shows on the live chart with its band, its
// alert fires and is acked and silenced from the page, a backtest over the demo's history draws when it would have
// fired, and a viewer finds the actions absent and the API refusing them. Every wait is on the page or the API,
// with the test's timeout as the only deadline: the demo runs in real time on a loaded machine.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, FLAGS, haveChromium, shadeShares } from './chromium.js';

const CLI = join(import.meta.dirname, '..', '..', 'cli', 'dist', 'bin.js');
const VIEWER = { name: 'watcher', password: 'demo-viewer-Tr0ub4dor&3' };
// the first incident of seed 1: checkout's p99 latency shifts from 0.2 s to about 1.8 s
const SERIES = 'http_request_duration_seconds{service="checkout"}';
const ALERT = 'alertname="HighLatency", service="checkout"';
const STEP_MS = 120_000;

/** Runs `argus demo`; resolves with its output once `re` matches it, rejects when the demo exits first. */
function startDemo(args: string[]): {
  child: ChildProcess;
  output: () => string;
  waitFor: (re: RegExp) => Promise<RegExpExecArray>;
} {
  const child = spawn(process.execPath, [CLI, 'demo', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const changed = new Set<() => void>();
  const onData = (c: Buffer): void => {
    out += c.toString();
    for (const f of changed) f();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  child.on('exit', () => {
    for (const f of changed) f();
  });
  const waitFor = (re: RegExp): Promise<RegExpExecArray> =>
    new Promise((ok, fail) => {
      const check = (): void => {
        const m = re.exec(out);
        if (m) ok(m);
        else if (child.exitCode !== null || child.signalCode !== null)
          fail(new Error(`argus demo exited before printing ${re}:\n${out}`));
        else return;
        changed.delete(check);
      };
      changed.add(check);
      check();
    });
  return { child, output: () => out, waitFor };
}

/** `t` as a datetime-local input's value in the page's zone. */
const localIn = (page: Page, t: number): Promise<string> =>
  page.evaluate((t) => new Date(t - new Date(t).getTimezoneOffset() * 60_000).toISOString().slice(0, 16), t);

/** Status codes of state-changing calls made with the page's own session and CSRF token. */
const writeStatuses = (
  page: Page,
  calls: [method: string, path: string, body: unknown][],
): Promise<number[]> =>
  page.evaluate(async (calls) => {
    const headers = {
      'content-type': 'application/json',
      'x-csrf-token': sessionStorage.getItem('argus.csrf') ?? '',
    };
    const out: number[] = [];
    for (const [method, path, body] of calls)
      out.push((await fetch(path, { method, headers, body: JSON.stringify(body) })).status);
    return out;
  }, calls);

describe.skipIf(!haveChromium('ui demo test'))('the web UI over `argus demo`', () => {
  let demo: ReturnType<typeof startDemo>;
  let browser: Browser;
  let base: string;
  let loginUrl: string;
  let admin: Page;
  let fp: string;
  const errors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`pnpm --filter @argus/cli build\` first`);
    // incidents last 10 minutes here, so the alert is still firing whatever the steps below take
    demo = startDemo([
      '--listen',
      '127.0.0.1:0',
      '--quiet-findings',
      '--seed',
      '1',
      '--incident-duration',
      '600',
    ]);
    const [, link, url] = await demo.waitFor(/open ((http:\/\/127\.0\.0\.1:\d+)\/login\?once=\S+) to log in/);
    loginUrl = link!;
    base = url!;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  }, STEP_MS);

  afterAll(async () => {
    await browser?.close();
    // by its PID: the demo stops its pipeline and server on SIGTERM; one that has not exited 20 s later is killed
    if (demo && demo.child.exitCode === null && demo.child.signalCode === null) {
      const exited = new Promise((r) => demo.child.once('exit', r));
      demo.child.kill('SIGTERM');
      const late = setTimeout(() => demo.child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(late);
    }
  }, 30_000);

  it(
    'the printed login link logs in; the injected anomaly shows on the live chart with its band',
    async () => {
      admin = await browser.newPage();
      admin.setDefaultTimeout(STEP_MS);
      admin.on('pageerror', (e) => errors.push(e.message));
      await admin.goto(loginUrl);
      await admin.locator('.who', { hasText: 'admin (admin)' }).waitFor();
      await admin.goto(`${base}/#/series?match=${encodeURIComponent(SERIES)}`);
      const chart = admin.locator('.chart');
      // the detectors' findings on the shifted latency, each with its expected band; live events refresh the chart
      await expect
        .poll(async () => Number(await chart.getAttribute('data-markers')), { timeout: STEP_MS })
        .toBeGreaterThan(0);
      expect(Number(await chart.getAttribute('data-band-points'))).toBeGreaterThan(0);
      // the band is drawn: the chart reports the box of each band it drew (one series, one box at least)
      await expect
        .poll(() => chart.getAttribute('data-band-px'), { timeout: STEP_MS })
        .toMatch(/^\d+,\d+,\d+,\d+/);
      await admin
        .locator('p.summary', { hasText: /^1 series, \d+ points, [1-9]\d* findings, band at [1-9]/ })
        .waitFor();
      // the band is continuous: the demo's ensemble replayed over the stored history (GET /api/series/band) gives it
      // at the normal samples before the incident too, not only at the findings
      await admin.locator('p.summary', { hasText: 'ensemble replayed over the stored history' }).waitFor();
      const normal = await admin.evaluate(async (match) => {
        const q = new URLSearchParams({
          match,
          from: String(Date.now() - 3_600_000),
          to: String(Date.now()),
        });
        const [series, band] = await Promise.all([
          fetch(`api/series?${q}`).then((r) => r.json()),
          fetch(`api/series/band?${q}`).then((r) => r.json()),
        ]);
        const firstFinding = Math.min(
          ...series.series[0].findings.map((f: { timestamp: number }) => f.timestamp),
        );
        const b = band.series[0];
        return b.timestamps.filter((t: number, i: number) => t < firstFinding && b.lower[i] !== null).length;
      }, SERIES);
      expect(normal).toBeGreaterThan(0);
      const markers = Number(await chart.getAttribute('data-markers'));
      expect(Number(await chart.getAttribute('data-band-points'))).toBeGreaterThan(markers);
      // a PromQL expression instead of a selector: the server's engine evaluates it over the range, values only
      const expr = `max by (service) (${SERIES})`;
      await admin.goto(`${base}/#/series?match=${encodeURIComponent(expr)}`);
      await admin
        .locator('p.summary', { hasText: /^1 series, [1-9]\d* points, 0 findings, band at 0 points/ })
        .waitFor();
      await admin.locator('p.summary', { hasText: "an expression's values are computed" }).waitFor();
      await admin.locator('.u-legend', { hasText: '{service="checkout"}' }).waitFor();
    },
    STEP_MS,
  );

  it(
    'the alert fires; the admin acks it and silences it from the alerts page',
    async () => {
      await admin.getByRole('link', { name: 'Alerts' }).click();
      await admin.getByLabel('Filter').fill(ALERT);
      await admin.getByRole('button', { name: 'Apply' }).click();
      // the list refreshes every 5 s: the row appears once the alert manager holds the firing alert
      const row = admin.locator('tbody tr[data-fingerprint]', { hasText: 'HighLatency' });
      await row.waitFor({ timeout: STEP_MS });
      fp = (await row.getAttribute('data-fingerprint'))!;
      const held = () =>
        admin.evaluate((fp) => fetch(`api/alerts/${fp}`).then(async (r) => (await r.json()).alert), fp);
      expect((await held()).labels).toMatchObject({ alertname: 'HighLatency', service: 'checkout' });
      await expect(row.locator('td').nth(1).textContent()).resolves.toBe('active');

      await row.getByRole('button', { name: 'Ack' }).click();
      await admin.getByLabel('Comment').fill('on it, from the demo test');
      await admin.getByRole('button', { name: 'Acknowledge' }).click();
      await row.locator('td.ack', { hasText: 'acked by admin: on it, from the demo test' }).waitFor();
      expect((await held()).ack).toMatchObject({ by: 'admin', comment: 'on it, from the demo test' });

      await row.getByRole('button', { name: 'Silence' }).click();
      await admin.locator('.preview', { hasText: 'silences 1 alert now' }).waitFor();
      await admin.getByLabel('Comment').fill('demo incident');
      await admin.getByRole('button', { name: 'Create silence' }).click();
      await row.locator('td', { hasText: 'suppressed' }).waitFor({ timeout: STEP_MS });
      expect((await held()).status.state).toBe('suppressed');
    },
    STEP_MS,
  );

  it(
    'a backtest over the demo’s history draws when the rule would have fired',
    async () => {
      await admin.getByRole('link', { name: 'Analysis' }).click();
      await admin.getByRole('heading', { level: 1, name: 'Historical analysis' }).waitFor();
      const from = Math.floor((Date.now() - 10 * 60_000) / 60_000) * 60_000;
      const to = Math.ceil((Date.now() + 60_000) / 60_000) * 60_000;
      await admin.getByLabel('Expression', { exact: true }).fill(`${SERIES} > 1`);
      await admin.getByLabel('From', { exact: true }).fill(await localIn(admin, from));
      await admin.getByLabel('To', { exact: true }).fill(await localIn(admin, to));
      await admin.getByLabel('Every (s)').fill('5');
      await admin.getByRole('button', { name: 'Run backtest' }).click();
      const job = admin.getByRole('region', { name: 'Backtest job' });
      await job
        .locator('[role="status"]', { hasText: /^done: \d+ evaluations$/ })
        .waitFor({ timeout: STEP_MS });
      const id = await admin.locator('tr[data-job]').first().getAttribute('data-job');
      const result = await admin.evaluate((id) => fetch(`api/analysis/jobs/${id}`).then((r) => r.json()), id);
      const firing = result.result.transitions.filter(
        (t: { alert: { state: string } }) => t.alert.state === 'firing',
      );
      expect(firing.length).toBeGreaterThan(0);
      // one bar per firing span on the timeline, and the table's firing rows are the server's
      await expect(job.locator('svg.timeline rect.firing').count()).resolves.toBe(firing.length);
      // and shaded over the series itself: red in the canvas at each span
      const chart = job.locator('.backtest-series .chart[data-shade-px]');
      await chart.waitFor();
      const shades = await shadeShares(chart);
      expect(shades.inside).toHaveLength(firing.length);
      for (const share of shades.inside) expect(share).toBeGreaterThan(0.1);
      await expect(
        job.getByRole('table', { name: 'State changes' }).locator('tr[data-state="firing"]').count(),
      ).resolves.toBe(firing.length);
    },
    STEP_MS,
  );

  it(
    'a viewer the admin adds finds no actions, and the API refuses them',
    async () => {
      const [put] = await writeStatuses(admin, [
        ['PUT', `api/users/${VIEWER.name}`, { password: VIEWER.password, role: 'viewer' }],
      ]);
      expect(put).toBe(200);
      const page = await (await browser.newContext()).newPage();
      page.setDefaultTimeout(STEP_MS);
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${base}/`);
      await page.getByLabel('User').fill(VIEWER.name);
      await page.getByLabel('Password').fill(VIEWER.password);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.locator('.who', { hasText: `${VIEWER.name} (viewer)` }).waitFor();
      await page.locator(`tr[data-fingerprint="${fp}"]`).waitFor({ timeout: STEP_MS });
      for (const name of ['Ack', 'Unack', 'Silence'])
        await expect(page.getByRole('button', { name, exact: true }).count()).resolves.toBe(0);
      await page.goto(`${base}/#/analysis`);
      await page.locator('tr[data-job]').first().waitFor();
      await expect(page.getByRole('button', { name: 'Run backtest' }).count()).resolves.toBe(0);
      const refused = await writeStatuses(page, [
        ['POST', `api/alerts/${fp}/ack`, {}],
        [
          'POST',
          'api/silences',
          { matchers: ['service="checkout"'], endsAt: Date.now() + 60_000, comment: 'x' },
        ],
        ['POST', 'api/analysis/jobs', { type: 'backtest', expr: 'up', from: 0, to: 60_000 }],
      ]);
      expect(refused).toEqual([403, 403, 403]);
      expect(errors).toEqual([]);
    },
    STEP_MS,
  );
});
