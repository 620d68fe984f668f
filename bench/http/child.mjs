// One measurement in a fresh process (run by bench/http/run.mjs):
//   node bench/http/child.mjs <fetch|node> <port> [scrapes] [posts]
// fetch: the global fetch (undici), as the clients used before; node: core's httpRequest / httpFetch (node:http).
// Measures CPU (user + system) of: `scrapes` GETs of the 10k-series page (gzip, whole body read and decoded),
// `posts` sequential webhook POSTs of a small JSON body, and then 300,000 awaited async calls (two levels), the cost that the
// global fetch raises for the rest of the process.
import { httpFetch, httpRequest } from '@argus/core';

const [mode = 'node', port, scrapesArg = '40', postsArg = '1000'] = process.argv.slice(2);
const base = `http://127.0.0.1:${port}`;
const body = JSON.stringify({ version: '4', status: 'firing', alerts: [{ labels: { alertname: 'Bench' } }] });

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
async function scrape() {
  if (mode === 'fetch') {
    const res = await fetch(`${base}/metrics`, { headers: { accept: 'text/plain' } });
    return (await res.text()).length;
  }
  const res = await httpRequest(`${base}/metrics`, {
    headers: { accept: 'text/plain' },
    acceptCompressed: true,
  });
  return (await res.text()).length;
}
async function post() {
  const f = mode === 'fetch' ? fetch : httpFetch;
  const res = await f(`${base}/hook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  return (await res.text()).length;
}
// a chain of async calls, as a pipeline's stages await each other
async function leaf(i) {
  return i;
}
async function mid(i) {
  return (await leaf(i)) + 1;
}
async function awaits(n) {
  let x = 0;
  for (let i = 0; i < n; i++) x += await mid(i);
  return x;
}

await awaits(300_000); // warm the loop itself before any request
const before = cpu();
await awaits(300_000);
const awaitsBefore = cpu() - before;
for (let i = 0; i < 3; i++) await scrape(); // warm-up: connection, JIT
let t = cpu();
let bytes = 0;
for (let i = 0; i < Number(scrapesArg); i++) bytes += await scrape();
const scrapeMs = (cpu() - t) / Number(scrapesArg);
for (let i = 0; i < 20; i++) await post();
t = cpu();
for (let i = 0; i < Number(postsArg); i++) await post();
const postUs = ((cpu() - t) / Number(postsArg)) * 1000;
t = cpu();
await awaits(300_000);
const awaitsAfter = cpu() - t;
console.log(
  JSON.stringify({
    mode,
    scrapeMs,
    postUs,
    awaitsBefore,
    awaitsAfter,
    pageBytes: bytes / Number(scrapesArg),
  }),
);
