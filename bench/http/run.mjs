// Global fetch vs core's node:http client, alternating in fresh processes (node bench/http/run.mjs [pairs]).
// The server runs in its own process. Prints each run and the medians; compare as ratios (shared machine).
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const here = (f) => fileURLToPath(new URL(f, import.meta.url));
const pairs = Number(process.argv[2] ?? 3);
const server = spawn(process.execPath, [here('server.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
const [line] = await once(server.stdout, 'data');
const port = String(line).trim();
const runs = { fetch: [], node: [] };
try {
  for (let p = 0; p < pairs; p++) {
    for (const mode of p % 2 === 0 ? ['fetch', 'node'] : ['node', 'fetch']) {
      const out = execFileSync(process.execPath, [here('child.mjs'), mode, port], { encoding: 'utf8' });
      const r = JSON.parse(out.trim().split('\n').at(-1));
      runs[mode].push(r);
      console.log(JSON.stringify(r));
    }
  }
} finally {
  server.kill();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const k of ['scrapeMs', 'postUs', 'awaitsBefore', 'awaitsAfter']) {
  const f = median(runs.fetch.map((r) => r[k]));
  const n = median(runs.node.map((r) => r[k]));
  console.log(
    `${k.padEnd(13)} fetch ${f.toFixed(2).padStart(8)}  node:http ${n.toFixed(2).padStart(8)}  node/fetch ${(n / f).toFixed(2)}`,
  );
}
