// `pnpm bench:ui`: the series page's main-thread time per update with 20 series of 10k points each (issue 18's
// goal: under 50 ms), read from the page's own Performance API measure (data arrival → transform → render → uPlot
// draw) in headless Chromium against a real @argus/server. A benchmark, not a test: it prints numbers.
import { createAlertManager } from '@argus/alerting';
import { memoryStateStore } from '@argus/core';
import { addUser, createArgusServer } from '@argus/server';
import { createStore } from '@argus/store';
import { chromium } from 'playwright-core';
import { uiRoot } from '../index.js';

const SERIES = 20;
const POINTS = 10_000;
const UPDATES = Number(process.env.UPDATES ?? 20);
const STEP_MS = 1000;
const PASSWORD = 'bench-password-not-secret';

const am = createAlertManager({
  config: { route: { receiver: 'r' }, receivers: [{ name: 'r' }] },
  durable: false,
});
await am.start();
const state = memoryStateStore();
await addUser(state, { name: 'bench', password: PASSWORD, role: 'viewer' });
const store = createStore();
const end = Date.now();
for (let s = 0; s < SERIES; s++)
  for (let i = 0; i < POINTS; i++)
    store.append(
      { __name__: 'bench_load', n: String(s) },
      end - (POINTS - i) * STEP_MS,
      Math.sin(i / 50 + s) + s,
    );
// UI_ROOT: another build of the UI (an A/B against a copy of an earlier dist/)
const app = await createArgusServer({
  alertManager: am,
  store,
  state,
  uiRoot: process.env.UI_ROOT ?? uiRoot,
});
const base = await app.listen({ host: '127.0.0.1', port: 0 });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${base}/#/series`);
  await page.getByLabel('User').fill('bench');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('textbox', { name: 'Series' }).fill('bench_load');
  await page.getByRole('combobox', { name: 'Range' }).selectOption('6h');
  const measures = () =>
    page.evaluate(() => performance.getEntriesByName('argus:series-update').map((e) => e.duration));
  // the first draw builds the plot; the updates after it only swap data, which is what the goal is about
  await page.getByRole('button', { name: 'Show' }).click();
  await page.waitForFunction(() => performance.getEntriesByName('argus:series-update').length >= 1, null, {
    timeout: 120_000,
  });
  const points = await page.locator('p.summary').textContent();
  // PROFILE=1: Chromium's CPU profile over the updates, its top functions by self time printed at the end
  const cdp = process.env.PROFILE ? await page.context().newCDPSession(page) : undefined;
  await cdp?.send('Profiler.enable');
  await cdp?.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp?.send('Profiler.start');
  for (let i = 1; i <= UPDATES; i++) {
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForFunction(
      (n) => performance.getEntriesByName('argus:series-update').length >= n,
      i + 1,
      {
        timeout: 120_000,
      },
    );
  }
  if (cdp) printProfile((await cdp.send('Profiler.stop')).profile);
  // SHOT=file.png: the page as the last update left it (to see what was measured)
  if (process.env.SHOT) await page.screenshot({ path: process.env.SHOT });
  const all = await measures();
  const updates = all.slice(1).sort((a, b) => a - b);
  const q = (p) => updates[Math.min(updates.length - 1, Math.floor(p * updates.length))];
  console.log(`series page, ${points?.split('.')[0]}`);
  console.log(
    `first draw ${all[0].toFixed(1)} ms; ${updates.length} updates: median ${q(0.5).toFixed(1)} ms, p95 ${q(0.95).toFixed(1)} ms, max ${updates.at(-1).toFixed(1)} ms (goal < 50 ms)`,
  );
} finally {
  await browser.close();
  await app.close();
  await am.stop();
}

/** The profile's 15 functions with the most self time (ms), as `name file:line`. */
function printProfile(profile) {
  const self = new Map();
  const dt = new Map();
  for (const [i, id] of profile.samples.entries())
    dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  for (const n of profile.nodes) {
    const f = n.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}:${f.columnNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (dt.get(n.id) ?? 0));
  }
  const top = [...self]
    .filter(([k]) => !k.startsWith('(idle)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15);
  for (const [k, ms] of top) console.log(`${ms.toFixed(1).padStart(9)} ms  ${k}`);
}
