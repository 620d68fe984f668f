// End to end in a real headless Chromium against a real @argus/server serving the built UI: log in as an
// operator, see the alert, ack it with a comment, see it acked in the page and in the alert manager's state; the
// alert detail, the silences page, the series page with its band, findings and export; keyboard use; a viewer's
// page without actions and the API refusing them.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type AlertManager, createAlertManager, ruleGroups } from '@argus/alerting';
import {
  API_VERSION,
  createPipeline,
  createSeriesRegistry,
  type Emit,
  type Finding,
  fingerprint,
  memoryStateStore,
  metricBatch,
  type SeriesRegistry,
  silentLogger,
} from '@argus/core';
import { createEngine, createPromApi, storeQueryable } from '@argus/promql';
import { addUser, createArgusServer } from '@argus/server';
import { createStore, storeSink } from '@argus/store';
import axe from 'axe-core';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uiRoot } from '../index.js';
import { CHROMIUM, FLAGS, haveChromium as haveChromiumHere, shadeShares } from './chromium.js';

const SECRETS = {
  password: 'ui-test-password-Tr0ub4dor&3',
  webhook: 'https://hooks.example.test/services/T0/B0/ui-s3cr3t',
  loginLink: 'ui-test-login-link-5ecret-0123456789',
};

// each page's screenshot: a gitignored folder by default; `pnpm --filter @argus/ui screenshots` points it at docs/
const SHOTS = resolve(process.env.ARGUS_UI_SCREENSHOTS ?? join(import.meta.dirname, '..', 'screenshots'));

const haveChromium = haveChromiumHere('ui browser test');

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
  // the cpu_usage samples' times, set in beforeAll
  let sampleTimes: number[] = [];
  // an alert a loaded rule raised, firing since cpu_usage's 31st sample (its findings and band are at 30–32)
  const ruled = { alertname: 'CpuHot', severity: 'info', host: 'db-1' };
  const ruledFp = fingerprint(ruled);
  const RULES = [
    'groups:',
    '  - name: host',
    '    rules:',
    '      - alert: CpuHot',
    '        expr: cpu_usage > 0.8',
    '        for: 1m',
    '        labels: { severity: info }',
    '',
  ].join('\n');

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
    sampleTimes = Array.from({ length: 40 }, (_, i) => now - (39 - i) * 15_000);
    for (let i = 0; i < 40; i++)
      store.append({ __name__: 'cpu_usage', host: 'db-1' }, now - (39 - i) * 15_000, 0.5 + (i % 5) / 10);
    for (let i = 0; i < 10; i++)
      store.append({ __name__: 'disk_used_ratio', instance: 'db-1' }, now - (9 - i) * 15_000, 0.9);
    // for the trends: memory on n1 rising 0.5 → 0.8 over the ten minutes (0.9 about 3 minutes on), n2 flat at 0.4
    for (let i = 0; i < 40; i++) {
      store.append({ __name__: 'mem_used_ratio', node: 'n1' }, sampleTimes[i]!, 0.5 + (0.3 * i) / 39);
      store.append({ __name__: 'mem_used_ratio', node: 'n2' }, sampleTimes[i]!, 0.4);
    }
    // three findings on consecutive samples, each with the detector's expected band
    const registry = createSeriesRegistry();
    const series = registry.intern({ __name__: 'cpu_usage', host: 'db-1' });
    const finding = (i: number, kind: Finding['kind'], score: number): Finding => ({
      id: `f${i}`,
      series,
      timestamp: now - (39 - i) * 15_000,
      value: 0.5 + (i % 5) / 10,
      score,
      kind,
      expected: { value: 0.6, lower: 0.4, upper: 0.8 },
      detector: 'mad',
      explanation: `sample ${i} is off`,
    });
    store.recordFindings(
      [finding(30, 'spike', 0.9), finding(31, 'spike', 0.7), finding(32, 'levelShift', 0.6)],
      registry,
    );
    am.ingest([
      {
        labels: ruled,
        annotations: {},
        state: 'firing',
        startsAt: sampleTimes[30]!,
        fingerprint: ruledFp,
        origin: 'test',
      },
    ]);
    // the Prometheus API with the rules loaded, as `argus serve --rules` mounts it
    const queryable = storeQueryable(store);
    const engine = createEngine({ queryable });
    const groups = ruleGroups({ files: [{ file: 'host.rules.yml', text: RULES }], engine });
    const promApi = createPromApi({ engine, queryable, rules: (type) => groups.rules(type) });
    app = await createArgusServer({
      alertManager: am,
      store,
      promApi,
      state,
      uiRoot,
      secrets: Object.values(SECRETS),
      config: { notify: { webhook: SECRETS.webhook } },
      loginLink: { secret: SECRETS.loginLink, user: 'linked', role: 'operator' },
      // each test logs in afresh, more than the default 10 a minute from one address
      loginPerMinute: 100,
    });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await am?.stop();
  });

  /** axe-core's serious and critical violations on the page as it is now (issue 18: none on any page). */
  async function accessibilityProblems(page: Page): Promise<string[]> {
    // evaluated over the DevTools protocol, which the page's CSP (script-src 'self') does not govern
    await page.evaluate(axe.source);
    const result = await page.evaluate(() =>
      (globalThis as unknown as { axe: typeof axe }).axe.run(document, {
        resultTypes: ['violations'],
      }),
    );
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }

  async function login(user: string, options?: Parameters<Browser['newPage']>[0]) {
    const page = await browser.newPage(options);
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
    // where the alert manager routed it: the route groups by alertname and notifies ops
    await expect(row.locator('td.group').textContent()).resolves.toBe('{alertname="DiskFull"}');
    await expect(row.locator('td.receiver').textContent()).resolves.toBe('ops');
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

  it('alert detail: labels, annotations, history; ack and unack there; silence this alert, prefilled', async () => {
    const { page, errors } = await login('ops');
    const cpu = fingerprint({ alertname: 'HighCPU', severity: 'warning', instance: 'web-1' });
    await page.locator(`tr[data-fingerprint="${fp}"]`).getByRole('link', { name: 'DiskFull' }).click();
    await page.getByRole('heading', { level: 1, name: 'DiskFull' }).waitFor();
    expect(page.url()).toContain(`#/alerts/${fp}`);
    const labelsTable = page.getByRole('table', { name: 'Labels' });
    await expect(
      labelsTable.locator('tr', { hasText: 'instance' }).locator('td').textContent(),
    ).resolves.toBe('db-1');
    await page
      .getByRole('table', { name: 'Annotations' })
      .locator('tr', { hasText: 'summary' })
      .locator('td', { hasText: 'disk almost full' })
      .waitFor();
    // the first test acked it: the history shows it was firing and then acked, with the comment
    const history = page.getByRole('table', { name: 'History' });
    await history.locator('tr', { hasText: 'firing' }).first().waitFor();
    await history.locator('tr', { hasText: 'looking at it' }).first().waitFor();
    await page.getByRole('button', { name: 'Unack' }).click();
    await page.locator('dd[data-field="ack"]', { hasText: 'no' }).waitFor();
    expect(am.alerts().find((a) => a.fingerprint === fp)?.ack).toBeUndefined();
    await history.locator('tr', { hasText: 'unacked' }).first().waitFor();
    await page.getByRole('button', { name: 'Ack', exact: true }).click();
    await page.getByLabel('Comment').fill('again, from the detail page');
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await page.locator('dd[data-field="ack"]', { hasText: 'by ops: again, from the detail page' }).waitFor();
    // the series behind the alert, one click away
    await page.locator('dl.facts').getByRole('link', { name: '{instance="db-1"}' }).click();
    await page.locator('.u-legend', { hasText: 'disk_used_ratio{instance="db-1"}' }).waitFor();
    await page.locator('p.summary', { hasText: /^1 series, 10 points,/ }).waitFor();

    // the other alert: silence it from its detail page, the editor prefilled with its labels
    await page.goto(`${base}/#/alerts/${cpu}`);
    await page.getByRole('heading', { level: 1, name: 'HighCPU' }).waitFor();
    await page.getByRole('button', { name: 'Silence this alert' }).click();
    await expect(page.getByLabel('Matchers').inputValue()).resolves.toBe(
      'alertname="HighCPU", instance="web-1", severity="warning"',
    );
    await page.locator('.preview', { hasText: 'silences 1 alert now' }).waitFor();
    await page.getByLabel('Comment').fill('cpu work');
    await page.getByRole('button', { name: 'Create silence' }).click();
    await page.locator('dd[data-field="state"]', { hasText: 'suppressed' }).waitFor();
    expect(am.alerts().find((a) => a.fingerprint === cpu)?.status.state).toBe('suppressed');
    expect(errors).toEqual([]);
    await page.close();
  });

  /** Share of the chart canvas's pixels in a column `dx` CSS px into the plot area (from its right when < 0) that are the firing shade's red. */
  const redShare = (page: Page, dx: number) =>
    page.evaluate((dx) => {
      const canvas = document.querySelector<HTMLCanvasElement>('.chart canvas')!;
      const over = document.querySelector('.chart .u-over')!.getBoundingClientRect();
      const box = canvas.getBoundingClientRect();
      const scale = canvas.width / box.width;
      const x = Math.round(((dx < 0 ? over.right + dx : over.left + dx) - box.left) * scale);
      const y0 = Math.round((over.top - box.top) * scale);
      const h = Math.round(over.height * scale);
      const px = canvas.getContext('2d')!.getImageData(x, y0, 1, h).data;
      let red = 0;
      for (let i = 0; i < px.length; i += 4)
        if (px[i + 3]! > 0 && px[i]! > px[i + 1]! + 60 && px[i]! > px[i + 2]! + 60) red++;
      return red / h;
    }, dx);

  /**
   * The band the chart drew (`data-band-px`: `x0,top,x1,bottom` in canvas pixels): where it spans across the plot
   * (0 left edge, 1 right), and whether the canvas is blue-tinted (the band's fill) at its middle column a quarter
   * of its height under its top edge, and as far above it.
   */
  const bandAt = (page: Page) =>
    page.evaluate(() => {
      const canvas = document.querySelector<HTMLCanvasElement>('.chart canvas')!;
      const over = document.querySelector('.chart .u-over')!.getBoundingClientRect();
      const box = canvas.getBoundingClientRect();
      const scale = canvas.width / box.width;
      const [x0, top, x1, bottom] = document
        .querySelector('.chart')!
        .getAttribute('data-band-px')!
        .split(',')
        .map(Number) as [number, number, number, number];
      const left = (over.left - box.left) * scale;
      const width = over.width * scale;
      const blue = (x: number, y: number): boolean => {
        const [r, , b, a] = canvas.getContext('2d')!.getImageData(Math.round(x), Math.round(y), 1, 1).data;
        return a! > 0 && b! > r! + 60;
      };
      const mid = (x0 + x1) / 2;
      const q = (bottom - top) / 4;
      return {
        x0: (x0 - left) / width,
        x1: (x1 - left) / width,
        inside: blue(mid, top + q),
        above: blue(mid, top - q),
      };
    });

  it('alert detail: the rule and its expression, the series behind it with its band and the firing shaded', async () => {
    // a viewer may read rules and series
    const { page, errors } = await login('watcher');
    await page.goto(`${base}/#/alerts/${ruledFp}`);
    await page.getByRole('heading', { level: 1, name: 'CpuHot' }).waitFor();
    const rule = page.getByRole('table', { name: 'Rule CpuHot' });
    await expect(rule.locator('code[data-field="expr"]').textContent()).resolves.toBe('cpu_usage > 0.8');
    await rule
      .locator('tr', { hasText: 'Group' })
      .locator('td', { hasText: 'host (host.rules.yml)' })
      .waitFor();
    await rule.locator('tr', { hasText: 'For' }).locator('td', { hasText: '60 s' }).waitFor();
    // the series the rule's labels left: cpu_usage{host="db-1"}, with its three findings and their band
    const chart = page.locator('.chart');
    await chart.and(page.locator('[data-shaded="1"]')).waitFor();
    await expect(chart.getAttribute('data-band-points')).resolves.toBe('3');
    await expect(chart.getAttribute('data-markers')).resolves.toBe('3');
    // the band is drawn (one box: its three samples in a row)
    await expect.poll(() => chart.getAttribute('data-band-px')).toMatch(/^\d+,\d+,\d+,\d+$/);
    await page
      .locator('p.alert-series', { hasText: /^1 series matching \{host="db-1"\}; shaded red: fired / })
      .waitFor();
    // drawn: firing until now fills the plot's right edge top to bottom; 15 minutes before it began, nothing
    await expect.poll(() => redShare(page, -3)).toBeGreaterThan(0.8);
    expect(await redShare(page, 3)).toBeLessThan(0.05);
    // an alert no loaded rule raised says so
    await page.goto(`${base}/#/alerts/${fp}`);
    await page
      .locator('[data-rules="0"]', { hasText: 'No loaded alerting rule is named DiskFull' })
      .waitFor();
    await page.locator('p.alert-series', { hasText: '{instance="db-1"}' }).waitFor();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('silences page: lists, validates matchers inline, previews, creates, edits and expires', async () => {
    const { page, errors } = await login('ops');
    await page.getByRole('link', { name: 'Silences' }).click();
    await page.getByRole('heading', { level: 1, name: 'Silences' }).waitFor();
    const before = am.silences().filter((s) => s.state === 'active');
    expect(before.length).toBeGreaterThanOrEqual(2);
    await page
      .locator('tr[data-silence]')
      .nth(before.length - 1)
      .waitFor();
    await expect(page.locator('tr[data-silence]').count()).resolves.toBe(before.length);

    await page.getByRole('button', { name: 'New silence' }).click();
    const input = page.getByLabel('Matchers');
    await input.fill('alertname=~"(Disk');
    await page.locator('.matcher-problem', { hasText: 'unclosed or stray quote' }).waitFor();
    await input.fill('alertname=~"(Disk"');
    await page.locator('.matcher-problem', { hasText: /bad regex/ }).waitFor();
    await expect(input.getAttribute('aria-invalid')).resolves.toBe('true');
    await input.fill('alertname=~"Disk.*", 9bad="x"');
    await page.locator('.matcher-problem', { hasText: '9bad="x": write name="value"' }).waitFor();
    await input.fill('alertname=~"Disk.*"');
    await expect(input.getAttribute('aria-invalid')).resolves.toBe('false');
    await page.locator('.preview li', { hasText: 'DiskFull' }).waitFor();
    await page.locator('.preview', { hasText: 'silences 1 alert now' }).waitFor();
    await page.getByLabel('Comment').fill('all disk alerts');
    await page.getByRole('button', { name: 'Create silence' }).click();
    const made = () => am.silences().find((s) => s.comment === 'all disk alerts' && s.state === 'active');
    await page.locator('tr[data-silence]', { hasText: 'all disk alerts' }).waitFor();
    expect(made()?.matchers).toEqual(['alertname=~"Disk.*"']);

    const row = page.locator(`tr[data-silence="${made()!.id}"]`);
    await row.getByRole('button', { name: 'Edit' }).click();
    await expect(page.getByLabel('Matchers').inputValue()).resolves.toBe('alertname=~"Disk.*"');
    await page.getByLabel('Comment').fill('all disk alerts, tonight');
    await page.getByRole('button', { name: 'Update silence' }).click();
    await page.locator('tr[data-silence]', { hasText: 'all disk alerts, tonight' }).waitFor();
    const edited = am.silences().find((s) => s.comment === 'all disk alerts, tonight');
    expect(edited?.state).toBe('active');
    // an edit, not a second silence: only one silence with that matcher is in force
    expect(
      am.silences().filter((s) => s.state === 'active' && s.matchers.includes('alertname=~"Disk.*"')),
    ).toHaveLength(1);

    await page.locator(`tr[data-silence="${edited!.id}"]`).getByRole('button', { name: 'Expire' }).click();
    await page.locator(`tr[data-silence="${edited!.id}"]`).waitFor({ state: 'detached' });
    expect(am.silences().find((s) => s.id === edited!.id)?.state).toBe('expired');
    await page.getByLabel('Show expired').check();
    await page.locator(`tr[data-silence="${edited!.id}"]`, { hasText: 'expired' }).waitFor();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('series page: values with the expected band, findings with filters, CSV and JSON export', async () => {
    const { page, errors } = await login('watcher');
    await page.getByRole('link', { name: 'Series' }).click();
    await page.getByRole('textbox', { name: 'Series' }).fill('cpu_usage{host="db-1"}');
    await page.getByRole('button', { name: 'Show' }).click();
    // the 40 samples, 3 findings on them, each carrying a band
    await page
      .locator('p.summary', { hasText: /^1 series, 40 points, 3 findings, band at 3 points/ })
      .waitFor();
    const chart = page.locator('.chart');
    await expect(chart.getAttribute('data-band-points')).resolves.toBe('3');
    expect(await page.locator('canvas').count()).toBe(1);
    // the band is drawn where its samples are (30 to 32 of 0 to 39 across the plot, 0.4 to 0.8), filled blue
    await expect.poll(() => chart.getAttribute('data-band-px')).toMatch(/^\d+,\d+,\d+,\d+$/);
    const band = await bandAt(page);
    expect(band.x0).toBeCloseTo(30 / 39, 2);
    expect(band.x1).toBeCloseTo(32 / 39, 2);
    expect(band.x1).toBeGreaterThan(band.x0);
    // inside the band, a quarter of its height under its upper edge (0.7 above the line at 0.6), and as far above it
    expect(band.inside).toBe(true);
    expect(band.above).toBe(false);
    // the cursor on sample 30 (x spans the first to the last sample) shows that finding's reason
    const over = await page.locator('.u-over').boundingBox();
    await page.mouse.move(over!.x + (over!.width * 30) / 39, over!.y + over!.height / 2);
    await page.locator('p.hover', { hasText: 'Finding (score 0.90): sample 30 is off' }).waitFor();
    await page.mouse.move(over!.x + (over!.width * 10) / 39, over!.y + over!.height / 2);
    await expect.poll(() => page.locator('p.hover').textContent()).toBe('');

    const findings = page.getByRole('table', { name: 'Findings' });
    await findings.locator('tr[data-finding]').nth(2).waitFor();
    await expect(findings.locator('tr[data-finding]').count()).resolves.toBe(3);
    // newest first
    await expect(findings.locator('tr[data-finding]').first().getAttribute('data-finding')).resolves.toBe(
      'f32',
    );
    await page.getByLabel('Kind').selectOption('spike');
    await findings.locator('tr[data-finding="f32"]').waitFor({ state: 'detached' });
    await expect(findings.locator('tr[data-finding]').count()).resolves.toBe(2);
    await page.getByLabel('Min score').fill('0.8');
    await page.getByLabel('Min score').press('Enter');
    await findings.locator('tr[data-finding="f31"]').waitFor({ state: 'detached' });
    await expect(findings.locator('tr[data-finding]').count()).resolves.toBe(1);
    await findings.locator('tr[data-finding="f30"]', { hasText: 'sample 30 is off' }).waitFor();

    const save = async (name: string) => {
      const [dl] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name }).click(),
      ]);
      return { name: dl.suggestedFilename(), text: readFileSync((await dl.path())!, 'utf8') };
    };
    const csv = await save('Export CSV');
    expect(csv.name).toMatch(/^argus-series-\d{8}T\d{4}Z-\d{8}T\d{4}Z\.csv$/);
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('series,time_utc,timestamp_ms,value,score,expected,lower,upper');
    expect(lines).toHaveLength(41);
    expect(lines.filter((l) => l.endsWith(',0.6,0.4,0.8'))).toHaveLength(3);
    const [pngDl] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export PNG' }).click(),
    ]);
    expect(pngDl.suggestedFilename()).toMatch(/^argus-series-\d{8}T\d{4}Z-\d{8}T\d{4}Z\.png$/);
    const png = readFileSync((await pngDl.path())!);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    // the chart's canvas at its pixel size (IHDR's width and height), not blank
    const size = await page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('.chart canvas')!;
      return [c.width, c.height];
    });
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual(size);
    expect(await inkShare(png)).toBeGreaterThan(0.01);
    const json = JSON.parse((await save('Export JSON')).text);
    expect(json.series).toHaveLength(1);
    expect(json.series[0].values).toHaveLength(40);
    expect(json.series[0].findings.map((f: { id: string }) => f.id)).toEqual(['f30', 'f31', 'f32']);

    // a custom range (minute resolution, in the browser's zone): from five minutes back to past the last sample
    const from = Math.floor((Date.now() - 5 * 60_000) / 60_000) * 60_000;
    const to = Math.ceil((Date.now() + 60_000) / 60_000) * 60_000;
    await page.getByLabel('Range').selectOption('custom');
    const local = (t: number) =>
      page.evaluate(
        (t) => new Date(t - new Date(t).getTimezoneOffset() * 60_000).toISOString().slice(0, 16),
        t,
      );
    await page.getByLabel('From', { exact: true }).fill(await local(from));
    await page.getByLabel('To', { exact: true }).fill(await local(to));
    const inRange = sampleTimes.filter((t) => t >= from && t < to).length;
    expect(inRange).toBeLessThan(40);
    await page.locator('p.summary', { hasText: new RegExp(`^1 series, ${inRange} points,`) }).waitFor();
    const custom = await save('Export CSV');
    expect(custom.text.trimEnd().split('\r\n')).toHaveLength(inRange + 1);
    expect(custom.name).toBe(
      `argus-series-${new Date(from).toISOString().slice(0, 16).replace(/[-:]/g, '')}Z-${new Date(to).toISOString().slice(0, 16).replace(/[-:]/g, '')}Z.csv`,
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('works from the keyboard: skip link, page changes focus the heading, Escape closes an editor', async () => {
    const { page } = await login('ops');
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Skip to content');
    await page.keyboard.press('Enter');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('main');
    // Tab from the top of a fresh page: the skip link, then the page links in order
    await page.reload();
    await page.locator(`tr[data-fingerprint="${fp}"]`).waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Silences');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Silences' }).waitFor();
    // the app moves focus in an effect that runs after the new page is painted: wait for it, do not race it
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    await page.getByRole('button', { name: 'New silence' }).focus();
    await page.keyboard.press('Enter');
    await page.getByLabel('Matchers').focus();
    await page.keyboard.press('Escape');
    await page.getByRole('form', { name: 'Silence' }).waitFor({ state: 'detached' });
    await page.close();
  });

  it('a viewer finds no actions on any page, and the API refuses them', async () => {
    const { page, errors } = await login('watcher');
    await page.goto(`${base}/#/alerts/${fp}`);
    await page.getByRole('heading', { level: 1, name: 'DiskFull' }).waitFor();
    await page.getByRole('table', { name: 'History' }).waitFor();
    for (const name of ['Ack', 'Unack', 'Silence this alert'])
      await expect(page.getByRole('button', { name, exact: true }).count()).resolves.toBe(0);
    await page.getByRole('link', { name: 'Silences' }).click();
    await page.locator('tr[data-silence]').first().waitFor();
    for (const name of ['New silence', 'Edit', 'Expire'])
      await expect(page.getByRole('button', { name, exact: true }).count()).resolves.toBe(0);
    // the server still enforces: the viewer's own session, with its CSRF token, is refused
    const statuses = await page.evaluate(async (fingerprint) => {
      const headers = {
        'content-type': 'application/json',
        'x-csrf-token': sessionStorage.getItem('argus.csrf') ?? '',
      };
      const post = (path: string, body: unknown) =>
        fetch(path, { method: 'POST', headers, body: JSON.stringify(body) }).then((r) => r.status);
      return [
        await post(`api/alerts/${fingerprint}/ack`, {}),
        await post('api/silences', { matchers: ['a="b"'], endsAt: Date.now() + 60_000, comment: 'x' }),
      ];
    }, fp);
    expect(statuses).toEqual([403, 403]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the login page offers single sign-on only where the server has OIDC configured', async () => {
    // OIDC discovery happens at the first login through it, so no provider is needed to serve the page
    const sso = await createArgusServer({
      alertManager: am,
      state: memoryStateStore(),
      uiRoot,
      oidc: {
        issuer: 'http://127.0.0.1:9/',
        clientId: 'argus',
        redirectUri: 'http://127.0.0.1:9/api/oidc/callback',
        roles: { ops: 'operator' },
      },
    });
    try {
      const ssoBase = await sso.listen({ host: '127.0.0.1', port: 0 });
      const page = await browser.newPage();
      await page.goto(`${ssoBase}/`);
      await page.locator('form.login[data-sso="oidc"]').waitFor();
      const link = page.getByRole('link', { name: 'Log in with single sign-on' });
      expect(await link.evaluate((a) => (a as HTMLAnchorElement).href)).toBe(`${ssoBase}/api/oidc/login`);
      await page.goto(`${base}/`);
      await page.locator('form.login[data-sso="none"]').waitFor();
      expect(await page.getByRole('link', { name: 'Log in with single sign-on' }).count()).toBe(0);
      await page.close();
    } finally {
      await sso.close();
    }
  });

  it('a login link logs in without the form, and the session can write: ack with the CSRF token it was given', async () => {
    // a fresh browser context: no session cookie, no CSRF token in sessionStorage
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/login?once=${SECRETS.loginLink}`);
    await page.locator('.who', { hasText: 'linked (operator)' }).waitFor();
    const cpu = fingerprint({ alertname: 'HighCPU', severity: 'warning', instance: 'web-1' });
    const row = page.locator(`tr[data-fingerprint="${cpu}"]`);
    await row.getByRole('button', { name: 'Ack' }).click();
    await page.getByLabel('Comment').fill('via the link');
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await row.locator('td.ack', { hasText: 'acked by linked: via the link' }).waitFor();
    expect(am.alerts().find((a) => a.fingerprint === cpu)?.ack).toMatchObject({
      by: 'linked',
      comment: 'via the link',
    });
    expect(errors).toEqual([]);
    await page.close();
  });

  /** `t` as a datetime-local input's value in the page's zone. */
  const localIn = (page: Page, t: number) =>
    page.evaluate(
      (t) => new Date(t - new Date(t).getTimezoneOffset() * 60_000).toISOString().slice(0, 16),
      t,
    );

  it('historical analysis: an operator runs a backtest and sees when it would have fired; cancels a long one', async () => {
    const { page, errors } = await login('ops');
    // the page follows its jobs from the live `job` events: no long poll of a running job
    const longPolls: string[] = [];
    page.on('request', (r) => {
      if (/\/api\/analysis\/jobs\/[^?]+\?waitMs=[1-9]/.test(r.url())) longPolls.push(r.url());
    });
    await page.getByRole('link', { name: 'Analysis' }).click();
    await page.getByRole('heading', { level: 1, name: 'Historical analysis' }).waitFor();
    // disk_used_ratio sits at 0.9 over the last 150 s: the rule fires once and still fires at the range's end
    const from = Math.floor((Date.now() - 20 * 60_000) / 60_000) * 60_000;
    const to = Math.ceil((Date.now() + 60_000) / 60_000) * 60_000;
    // an aggregation: the chart's metric comes from the server's PromQL parser, not the expression's leading name
    await page.getByLabel('Expression', { exact: true }).fill('max by (instance) (disk_used_ratio) > 0.5');
    await page.getByLabel('From', { exact: true }).fill(await localIn(page, from));
    await page.getByLabel('To', { exact: true }).fill(await localIn(page, to));
    await page.getByLabel('Every (s)').fill('15');
    await page.getByRole('button', { name: 'Run backtest' }).click();
    const job = page.getByRole('region', { name: 'Backtest job' });
    await job.locator('[role="status"]', { hasText: /^done: \d+ evaluations$/ }).waitFor();
    // what the page shows is what the server computed
    const id = await page.locator('tr[data-job]').first().getAttribute('data-job');
    const held = await page.evaluate((id) => fetch(`api/analysis/jobs/${id}`).then((r) => r.json()), id);
    expect(held.state).toBe('succeeded');
    expect(held.from).toBe(from);
    const changes = job.getByRole('table', { name: 'State changes' }).locator('tbody tr[data-state]');
    await expect(changes.count()).resolves.toBe(held.result.transitions.length);
    await expect(
      changes.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-state'))),
    ).resolves.toEqual(held.result.transitions.map((t: { alert: { state: string } }) => t.alert.state));
    expect(held.result.transitions.map((t: { alert: { state: string } }) => t.alert.state)).toContain(
      'firing',
    );
    await job
      .getByRole('table', { name: 'State changes' })
      .locator('tr[data-state="firing"]', { hasText: 'instance="db-1"' })
      .waitFor();
    await expect(job.locator('svg.timeline rect.firing').count()).resolves.toBe(1);
    await job.locator('p.summary', { hasText: /would have fired once \(/ }).waitFor();
    // drawn over the series the rule read (the expression's metric, the firing alert's labels): the canvas is red
    // inside the span and not before it
    const selector = await job.getByRole('textbox', { name: 'Series under the firing' }).inputValue();
    expect(selector).toMatch(/^disk_used_ratio\{.*instance="db-1"/);
    const chart = job.locator('.backtest-series .chart[data-shade-px]');
    await chart.waitFor();
    const shades = await shadeShares(chart);
    expect(shades.inside).toHaveLength(1);
    expect(shades.inside[0]).toBeGreaterThan(0.3);
    expect(shades.outside).toBeGreaterThanOrEqual(0);
    expect(shades.outside).toBeLessThan(0.05);
    const [dl] = await Promise.all([
      page.waitForEvent('download'),
      job.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const csvLines = readFileSync((await dl.path())!, 'utf8')
      .trimEnd()
      .split('\r\n');
    expect(csvLines).toHaveLength(held.result.transitions.length + 1);
    expect(csvLines.filter((l) => l.includes(',firing,'))).toHaveLength(1);

    // a long one (30 days at 1 s: millions of evaluations) is cancelled from the page; its worker stops
    await page.getByLabel('From', { exact: true }).fill(await localIn(page, to - 30 * 86_400_000));
    await page.getByLabel('Every (s)').fill('1');
    await page.getByRole('button', { name: 'Run backtest' }).click();
    // the panel shows the first job until the server has accepted the second: read only the new job's panel
    const longJob = page.locator(`section.job[data-job]:not([data-job="${id}"])`);
    await longJob.waitFor();
    // progress while it runs: the status and the bar read together, from the page as one snapshot
    const snapshot = () =>
      longJob.evaluate((el) => ({
        text: el.querySelector('[role="status"]')?.textContent ?? '',
        bar: el.querySelector('progress')?.value ?? -1,
      }));
    let seen = await snapshot();
    while (!/^evaluating: [1-9]\d* of \d+$/.test(seen.text)) {
      expect(seen.text).not.toMatch(/^(done|failed|cancelled)/);
      await page.waitForTimeout(100);
      seen = await snapshot();
    }
    const [done, total] = /(\d+) of (\d+)/.exec(seen.text)!.slice(1).map(Number) as [number, number];
    expect(done).toBeLessThan(total);
    expect(seen.bar).toBeCloseTo(done / total, 6);
    await longJob.getByRole('button', { name: 'Cancel' }).click();
    await longJob.locator('[role="status"]', { hasText: 'cancelled' }).waitFor();
    // the list refreshes on its own after the start and the end: wait for it rather than read it once
    await expect.poll(() => page.locator('tr[data-job]').count()).toBe(2);
    const jobs = await page.evaluate(() => fetch('api/analysis/jobs').then((r) => r.json()));
    expect(jobs.map((j: { state: string }) => j.state)).toEqual(['cancelled', 'succeeded']);
    expect(longPolls).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
    // two backtests in worker threads, the long one followed until it shows progress: minutes on a loaded machine
  }, 180_000);

  it('historical analysis: a viewer sees the jobs and a result, gets no form, and the API refuses a start', async () => {
    const { page, errors } = await login('watcher');
    await page.goto(`${base}/#/analysis`);
    await page.getByRole('heading', { level: 1, name: 'Historical analysis' }).waitFor();
    const done = page.locator('tr[data-job]', { hasText: 'succeeded' });
    await done.getByRole('button').click();
    const job = page.getByRole('region', { name: 'Backtest job' });
    await job
      .getByRole('table', { name: 'State changes' })
      .locator('tr[data-state="firing"]')
      .first()
      .waitFor();
    await expect(page.getByRole('button', { name: 'Run backtest' }).count()).resolves.toBe(0);
    await expect(page.getByRole('form', { name: 'Backtest' }).count()).resolves.toBe(0);
    await expect(job.getByRole('button', { name: 'Cancel' }).count()).resolves.toBe(0);
    const status = await page.evaluate(() =>
      fetch('api/analysis/jobs', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-csrf-token': sessionStorage.getItem('argus.csrf') ?? '',
        },
        body: JSON.stringify({ type: 'backtest', expr: 'up', from: 0, to: 60_000 }),
      }).then((r) => r.status),
    );
    expect(status).toBe(403);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('analysis trends: per series group the slope, the forecast band and when it will cross the limit', async () => {
    const { page, errors } = await login('watcher');
    await page.goto(`${base}/#/analysis`);
    const trends = page.getByRole('form', { name: 'Trends' });
    await trends.getByLabel('Trend of').fill('mem_used_ratio');
    await trends.getByLabel('Cross above').fill('0.9');
    await trends.getByRole('button', { name: 'Show trends' }).click();
    const n1 = page.locator('figure.trend[data-group=\'{node="n1"}\']');
    const n2 = page.locator('figure.trend[data-group=\'{node="n2"}\']');
    // 0.3 over 585 s is 1.85 an hour: from 0.8, 0.9 is about 3 minutes away, well inside the band's certainty
    await n1
      .locator('.trend-sentence', {
        hasText:
          /^rising 1\.8[45]\/h; will cross above 0\.9 within 1 h \(in [234] min, its whole forecast band too\)$/,
      })
      .waitFor();
    await n2
      .locator('.trend-sentence', { hasText: /^flat 0\/h; will not cross above 0\.9 within 1 h$/ })
      .waitFor();
    // drawn: the crossing's dot on n1's chart only, and the forecast band on both
    await expect(n1.locator('.chart').getAttribute('data-markers')).resolves.toBe('1');
    await expect(n2.locator('.chart').getAttribute('data-markers')).resolves.toBe('0');
    expect(Number(await n2.locator('.chart').getAttribute('data-band-points'))).toBeGreaterThan(0);
    await n1.locator('.u-legend', { hasText: 'mem_used_ratio{node="n1"} trend' }).waitFor();
    // what the page says is what the server computed
    const held = await page.evaluate(() =>
      fetch(`api/trends?match=mem_used_ratio&above=0.9&from=${Date.now() - 3_600_000}`).then((r) => r.json()),
    );
    const slope = held.groups.find((g: { labels: { node: string } }) => g.labels.node === 'n1').fit
      .slopePerHour;
    await n1.locator('.trend-sentence', { hasText: `rising ${Number(slope.toPrecision(3))}/h;` }).waitFor();
    // grouped: one group of both series, their mean rising half as fast
    await trends.getByLabel('Group by').fill('job');
    await trends.getByRole('button', { name: 'Show trends' }).click();
    await page.locator('figure.trend figcaption', { hasText: '{} (2 series): rising 0.92' }).waitFor();
    await expect(page.locator('figure.trend').count()).resolves.toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  /** Share of the image's pixels that differ from its top-left pixel, decoded by Chromium on a blank page. */
  async function inkShare(png: Buffer): Promise<number> {
    const blank = await browser.newPage();
    const share = await blank.evaluate(async (b64) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width;
      c.height = img.height;
      const g = c.getContext('2d')!;
      g.drawImage(img, 0, 0);
      const px = g.getImageData(0, 0, c.width, c.height).data;
      let ink = 0;
      for (let i = 0; i < px.length; i += 4)
        if (px[i] !== px[0] || px[i + 1] !== px[1] || px[i + 2] !== px[2]) ink++;
      return ink / (px.length / 4);
    }, png.toString('base64'));
    await blank.close();
    return share;
  }

  it('live: a finding of the running pipeline reaches the open chart by its event; health lists the pipeline’s plugins', async () => {
    // a push source the test feeds, and a detector that flags values over 2 with a band around 1
    let emit: Emit | undefined;
    let registry: SeriesRegistry | undefined;
    let onListen!: () => void;
    const listening = new Promise<void>((ok) => {
      onListen = ok;
    });
    const source = {
      kind: 'source' as const,
      name: 'feed',
      apiVersion: API_VERSION,
      listen: (e: Emit, ctx: { series: SeriesRegistry }) => {
        emit = e;
        registry = ctx.series;
        onListen();
      },
    };
    let n = 0;
    const detector = {
      kind: 'detector' as const,
      name: 'over-two',
      apiVersion: API_VERSION,
      detect: (b: { length: number; series: Int32Array; timestamps: Float64Array; values: Float64Array }) => {
        const out: Finding[] = [];
        for (let i = 0; i < b.length; i++)
          if (b.values[i]! > 2)
            out.push({
              id: `live${n++}`,
              series: b.series[i]!,
              timestamp: b.timestamps[i]!,
              value: b.values[i]!,
              score: 0.9,
              kind: 'spike',
              expected: { value: 1, lower: 0.5, upper: 1.5 },
              detector: 'over-two',
              explanation: 'over two',
            });
        return out;
      },
    };
    const liveStore = createStore();
    const pipeline = createPipeline({
      logger: silentLogger,
      sources: [source],
      detectors: [detector],
      sinks: [storeSink(liveStore)],
    });
    await pipeline.start();
    const state = memoryStateStore();
    await addUser(state, { name: 'watcher', password: SECRETS.password, role: 'viewer' });
    const live = await createArgusServer({ alertManager: am, state, pipeline, store: liveStore, uiRoot });
    try {
      const liveBase = await live.listen({ host: '127.0.0.1', port: 0 });
      await listening;
      const id = registry!.intern({ __name__: 'feed_value', job: 'live' });
      const push = (t: number, v: number) =>
        emit!(metricBatch(Int32Array.of(id), Float64Array.of(t), Float64Array.of(v)));
      const t0 = Date.now() - 60_000;
      for (let i = 0; i < 10; i++) await push(t0 + i * 1000, 1);
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      // the page's timers are the test's (paused below): only the live event's short delay runs, not the 10 s poll
      await page.clock.install();
      await page.goto(`${liveBase}/`);
      await page.getByLabel('User').fill('watcher');
      await page.getByLabel('Password').fill(SECRETS.password);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('link', { name: 'Series' }).click();
      await page.getByRole('textbox', { name: 'Series' }).fill('feed_value');
      await page.getByRole('button', { name: 'Show' }).click();
      await page.locator('p.summary', { hasText: /^1 series, 10 points, 0 findings/ }).waitFor();
      // from here the page's time stands still but for what the test runs: the 10 s poll cannot refresh it
      await page.clock.pauseAt(Date.now() + 10);
      // the anomaly: the pipeline's finding event makes the page fetch again, with the band the detector reported
      const refetched = page.waitForResponse((r) => r.url().includes('/api/series?'));
      await push(t0 + 10_000, 5);
      await page.clock.runFor(1500);
      await refetched;
      await page
        .locator('p.summary', { hasText: /^1 series, 11 points, 1 findings, band at 1 points/ })
        .waitFor();
      // health: the pipeline's plugins with what they took in
      await page.clock.resume();
      await page.getByRole('link', { name: 'Health' }).click();
      const feed = page.locator('tr', { has: page.locator('td', { hasText: /^feed$/ }) });
      const cells = (row: typeof feed) => row.locator('td').allTextContents();
      const detectorRow = page.locator('tr', { has: page.locator('td', { hasText: /^over-two$/ }) });
      await detectorRow.waitFor();
      // Plugin, Kind, State, Received, Sent, Throughput, Dropped, Errors, Queue: the source sent the 11 samples,
      // the detector took them in and sent its one finding. Read until they hold: the table is drawn again at each
      // poll of the stats, and a row read while it is replaced reads as no cells
      const first = async (row: typeof feed, from: number, to: number) => (await cells(row)).slice(from, to);
      await expect.poll(() => first(feed, 0, 5)).toEqual(['feed', 'source', 'ok', '0', '11']);
      await expect.poll(() => first(detectorRow, 0, 5)).toEqual(['over-two', 'detector', 'ok', '11', '1']);
      await expect.poll(() => first(feed, 6, 9)).toEqual(['0', '0', '0']);
      // throughput once two polls of the stats are there
      await expect.poll(async () => (await cells(feed))[5], { timeout: 30_000 }).toMatch(/^\d+\.\d$/);
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await live.close();
      await pipeline.stop();
    }
  });

  it('health: a failing plugin’s last error shows with its hook and time, a secret the server knows redacted', async () => {
    const token = 'ui-test-probe-token-9f8e7d6c5b4a';
    const failing = {
      kind: 'source' as const,
      name: 'probe',
      apiVersion: API_VERSION,
      poll: () => {
        throw new Error(`GET https://api.example.test/v1?token=${token} answered 503`);
      },
    };
    const pipeline = createPipeline({
      logger: silentLogger,
      sources: [{ use: failing, intervalMs: 3_600_000 }],
    });
    const failed = new Promise((ok) => pipeline.once('error', ok));
    const state = memoryStateStore();
    await addUser(state, { name: 'watcher', password: SECRETS.password, role: 'viewer' });
    const srv = await createArgusServer({ alertManager: am, state, pipeline, uiRoot, secrets: [token] });
    try {
      const srvBase = await srv.listen({ host: '127.0.0.1', port: 0 });
      await pipeline.start();
      await failed;
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${srvBase}/#/health`);
      await page.getByLabel('User').fill('watcher');
      await page.getByLabel('Password').fill(SECRETS.password);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('link', { name: 'Health' }).click();
      const row = page.getByRole('table', { name: 'Plugins' }).locator('tr', { hasText: /^probe/ });
      const cell = row.locator('td.last-error');
      await cell
        .locator('span', {
          hasText: '[probe:poll] GET https://api.example.test/v1?token=<secret> answered 503',
        })
        .waitFor();
      // when, in the browser's zone with UTC on hover
      const iso = await cell.locator('time').getAttribute('title');
      expect(Date.parse(iso!)).toBeGreaterThan(0);
      await expect(row.locator('td').nth(2).textContent()).resolves.toBe('errors');
      expect(await page.content()).not.toContain(token);
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await srv.close();
      await pipeline.stop();
    }
  });

  it('times show in the browser’s time zone, with UTC on hover', async () => {
    const zone = 'Asia/Kolkata'; // +05:30: no hour or minute of it reads the same as UTC
    const { page, errors } = await login('watcher', { timezoneId: zone, locale: 'en-US' });
    await page.goto(`${base}/#/analysis`);
    const trends = page.getByRole('form', { name: 'Trends' });
    await trends.getByLabel('Trend of').fill('mem_used_ratio');
    await trends.getByRole('button', { name: 'Show trends' }).click();
    await page.locator('figure.trend').first().waitFor();
    const time = page.locator('time').first();
    const utc = await time.getAttribute('title');
    expect(utc).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(await time.getAttribute('datetime')).toBe(utc);
    const shown = await time.textContent();
    expect(shown).toBe(new Date(utc!).toLocaleString('en-US', { timeZone: zone }));
    expect(shown).not.toBe(new Date(utc!).toLocaleString('en-US', { timeZone: 'UTC' }));
    expect(errors).toEqual([]);
    await page.close();
  });

  it('every page: axe-core finds no serious or critical violation; its screenshot is not blank', async () => {
    const problems: Record<string, string[]> = {};
    const ink: Record<string, number> = {};
    mkdirSync(SHOTS, { recursive: true });
    const check = async (page: Page, name: string) => {
      problems[name] = await accessibilityProblems(page);
      const png = await page.screenshot({ fullPage: true });
      writeFileSync(join(SHOTS, `${name.replaceAll(/[^a-z]+/g, '-')}.png`), png);
      ink[name] = await inkShare(png);
    };
    const fresh = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await fresh.goto(`${base}/`);
    await fresh.getByRole('button', { name: 'Log in' }).waitFor();
    await check(fresh, 'login');
    await fresh.close();

    const { page } = await login('ops');
    await page.setViewportSize({ width: 1280, height: 800 });
    await check(page, 'alerts');
    await page.locator(`tr[data-fingerprint="${fp}"]`).getByRole('button', { name: 'Silence' }).click();
    await page.locator('.preview', { hasText: 'silences 1 alert now' }).waitFor();
    await check(page, 'alerts silence editor');
    await page.goto(`${base}/#/alerts/${fp}`);
    await page.getByRole('table', { name: 'History' }).locator('tbody tr').first().waitFor();
    await check(page, 'alert detail');
    await page.goto(`${base}/#/alerts/${ruledFp}`);
    await page.locator('.chart[data-shaded="1"]').waitFor();
    await check(page, 'alert detail rule');
    await page.getByRole('link', { name: 'Silences' }).click();
    await page.getByRole('heading', { level: 1, name: 'Silences' }).waitFor();
    await page.getByRole('button', { name: 'New silence' }).click();
    await page.getByLabel('Matchers').fill('alertname=~"(bad"');
    await page.locator('.matcher-problem', { hasText: /bad regex/ }).waitFor();
    await check(page, 'silences editor error');
    await page.getByRole('link', { name: 'Series' }).click();
    await page.getByRole('textbox', { name: 'Series' }).fill('cpu_usage{host="db-1"}');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByRole('table', { name: 'Findings' }).locator('tr[data-finding]').first().waitFor();
    await check(page, 'series');
    await page.getByRole('link', { name: 'Analysis' }).click();
    await page.locator('tr[data-job]', { hasText: 'succeeded' }).getByRole('button').click();
    await page.locator('svg.timeline').waitFor();
    await page.getByLabel('Trend of').fill('mem_used_ratio');
    await page.getByLabel('Cross above').fill('0.9');
    await page.getByRole('button', { name: 'Show trends' }).click();
    await page.locator('figure.trend').nth(1).waitFor();
    await check(page, 'analysis');
    await page.getByRole('link', { name: 'Health' }).click();
    await page.getByRole('heading', { level: 1, name: 'Health' }).waitFor();
    await check(page, 'health');
    // the dark theme's colours too (it follows the browser's setting)
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(`${base}/#/alerts/${fp}`);
    await page.getByRole('table', { name: 'History' }).locator('tbody tr').first().waitFor();
    await check(page, 'alert detail dark');
    await page.close();
    const pages = [
      'login',
      'alerts',
      'alerts silence editor',
      'alert detail',
      'alert detail rule',
      'silences editor error',
      'series',
      'analysis',
      'health',
      'alert detail dark',
    ];
    expect(problems).toEqual(Object.fromEntries(pages.map((p) => [p, []])));
    // even the login form inks about 0.8% of the page; a blank page inks nothing
    for (const p of pages) expect(ink[p], p).toBeGreaterThan(0.002);
    // nine pages, each with axe-core run in it and a screenshot decoded: over a minute on a loaded machine
  }, 180_000);

  // last: its job would make a second succeeded row for the tests above that open one
  it('historical analysis: without live events the page follows a job by long polls', async () => {
    const { page, errors } = await login('ops');
    await page.route('**/api/events', (r) => r.abort());
    await page.getByRole('link', { name: 'Analysis' }).click();
    await page.getByRole('heading', { level: 1, name: 'Historical analysis' }).waitFor();
    const to = Math.ceil((Date.now() + 60_000) / 60_000) * 60_000;
    await page.getByLabel('Expression', { exact: true }).fill('disk_used_ratio > 0.5');
    await page.getByLabel('From', { exact: true }).fill(await localIn(page, to - 10 * 60_000));
    await page.getByLabel('To', { exact: true }).fill(await localIn(page, to));
    await page.getByRole('button', { name: 'Run backtest' }).click();
    // with nothing following it (no events, no polls) the panel would never show the job at all
    const job = page.getByRole('region', { name: 'Backtest job' });
    await job.locator('[role="status"]', { hasText: /^done: \d+ evaluations$/ }).waitFor();
    await job.getByRole('table', { name: 'State changes' }).locator('tr[data-state="firing"]').waitFor();
    // the aborted event stream is the page's only error: a failed request, not a script error
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
