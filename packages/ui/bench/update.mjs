// `pnpm bench:ui`: the series page's main-thread time per update with 20 series of 10k points each (issue 18's
// goal: under 50 ms), read from the page's own Performance API measure (data arrival → transform → render → uPlot
// draw) in headless Chromium against a real @argus/server. A benchmark, not a test: it prints numbers.
// The server has the ensemble configured (as `argus demo` does), so every update also fetches the continuous band
// (`GET /api/series/band`, a replay over the history) and merges it; BAND=0 runs it with no detector (the band
// request is a quick 404), for the page's cost without the band. The band's own request time is measured after.
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
const BAND = process.env.BAND !== '0';
// `argus demo`'s ensemble options (packages/cli/src/demo.ts DEMO_ENSEMBLE; the UI does not depend on the CLI)
const ENSEMBLE = {
  warmupSamples: 30,
  calibrationSamples: 10,
  suppressSamples: 0,
  rangeTolerance: null,
  freezeAt: 0.6,
  minScore: 0.6,
  currentAtLeast: 0.5,
};
const BAND_REQUESTS = Number(process.env.BAND_REQUESTS ?? 5);

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
  ...(BAND ? { config: { detectors: [{ use: 'ensemble', options: ENSEMBLE }] } } : {}),
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
  console.log(`series page (band ${BAND ? 'on' : 'off, BAND=0'}): ${points?.replace(/\s+/g, ' ').trim()}`);
  console.log(
    `first draw ${all[0].toFixed(1)} ms; ${updates.length} updates: median ${q(0.5).toFixed(1)} ms, p95 ${q(0.95).toFixed(1)} ms, max ${updates.at(-1).toFixed(1)} ms (goal < 50 ms)`,
  );
  if (BAND) await timeBand(page, base);
} finally {
  await browser.close();
  await app.close();
  await am.stop();
}

/**
 * The band request alone, as the page makes it (6 h up to now, the page's session): the server's replay of the
 * ensemble over every stored sample plus the JSON, timed from here. Sequential, after the page's updates.
 */
async function timeBand(page, base) {
  const times = [];
  let body;
  for (let i = 0; i < BAND_REQUESTS; i++) {
    const to = Date.now();
    const q = new URLSearchParams({
      match: 'bench_load',
      from: String(to - 6 * 3_600_000),
      to: String(to),
      limit: '20',
    });
    const t0 = performance.now();
    const res = await page.request.get(`${base}/api/series/band?${q}`);
    body = await res.json();
    times.push(performance.now() - t0);
    if (!res.ok()) throw new Error(`band request: ${res.status()} ${JSON.stringify(body)}`);
  }
  times.sort((a, b) => a - b);
  const points = body.series.reduce((n, s) => n + s.timestamps.length, 0);
  console.log(
    `band request (${body.detector}, ${body.series.length} series, ${points} points, replayed ${body.replayed}${body.clipped ? ', clipped' : ''}): ${times.length} sequential, median ${times[Math.floor(times.length / 2)].toFixed(0)} ms, max ${times.at(-1).toFixed(0)} ms`,
  );
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
