// `GET /api/series/band` as the series page polls it: 20 series × 10k samples (1 s apart), `argus demo`'s ensemble,
// a 6 h range ending now. Times the first request (a full replay), then POLLS refreshes, each after 10 new samples
// per series with the range moved on by 10 s (what the page's poll every 10 s sees), then one more with nothing new.
// Prints each request's wall time (to the answer's last byte, not its parse) and the samples the server replayed. SERVER=<dir> loads another build of
// @argus/server's dist (an A/B against a copy of an earlier one, kept inside packages/server so its imports resolve).
import { resolve } from 'node:path';
import { createAlertManager } from '@argus/alerting';
import { memoryStateStore } from '@argus/core';
import { createStore } from '@argus/store';

const server = await import(
  resolve(process.env.SERVER ?? new URL('../dist', import.meta.url).pathname, 'index.js')
);
const SERIES = 20;
const POINTS = 10_000;
const POLLS = Number(process.env.POLLS ?? 5);
const PASSWORD = 'bench-password-not-secret';
const ENSEMBLE = {
  warmupSamples: 30,
  calibrationSamples: 10,
  suppressSamples: 0,
  rangeTolerance: null,
  freezeAt: 0.6,
  minScore: 0.6,
  currentAtLeast: 0.5,
};
const am = createAlertManager({
  config: { route: { receiver: 'r' }, receivers: [{ name: 'r' }] },
  durable: false,
});
await am.start();
const state = memoryStateStore();
await server.addUser(state, { name: 'bench', password: PASSWORD, role: 'viewer' });
const store = createStore();
let end = Date.now();
const value = (s, i) => Math.sin(i / 50 + s) + s;
for (let s = 0; s < SERIES; s++)
  for (let i = 0; i < POINTS; i++)
    store.append({ __name__: 'bench_load', n: String(s) }, end - (POINTS - i) * 1000, value(s, i));
const app = await server.createArgusServer({
  alertManager: am,
  store,
  state,
  config: { detectors: [{ use: 'ensemble', options: ENSEMBLE }] },
});
const base = await app.listen({ host: '127.0.0.1', port: 0 });
try {
  const login = await fetch(`${base}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: 'bench', password: PASSWORD }),
  });
  const cookie = login.headers.get('set-cookie').split(';')[0];
  const band = async (label) => {
    const q = new URLSearchParams({
      match: 'bench_load',
      from: String(end - 6 * 3_600_000),
      to: String(end),
    });
    const t0 = performance.now();
    const res = await fetch(`${base}/api/series/band?${q}`, { headers: { cookie } });
    const text = await res.text();
    // the answer's parse is the client's work, not the server's: outside the time
    const ms = performance.now() - t0;
    const body = JSON.parse(text);
    if (!res.ok) throw new Error(`band request: ${res.status} ${JSON.stringify(body)}`);
    console.log(`${label}: ${ms.toFixed(0)} ms, replayed ${body.replayed}`);
    return ms;
  };
  await band('first');
  const polls = [];
  let next = POINTS;
  for (let p = 0; p < POLLS; p++) {
    for (let i = 0; i < 10; i++, next++)
      for (let s = 0; s < SERIES; s++)
        store.append({ __name__: 'bench_load', n: String(s) }, end + (i + 1) * 1000, value(s, next));
    end += 10_000;
    polls.push(await band(`poll ${p + 1}`));
  }
  await band('nothing new');
  polls.sort((a, b) => a - b);
  console.log(`polls: median ${polls[Math.floor(polls.length / 2)].toFixed(0)} ms`);
} finally {
  await app.close();
  await am.stop?.();
}
