// The soak's load, in its own process so that rendering pages does not count against the replica measured:
// `targets` Prometheus /metrics pages on loopback carrying `series` gauges between them, one spike at a time
// (a series jumps far above its threshold for `spikeMs`, every `spikeEveryMs`), and an Alertmanager-style
// webhook receiver that notes when each notification arrives. Talks to its parent over IPC: `ready` with the
// URLs, then on `report` the spikes and the arrivals.
import { createServer } from 'node:http';

const { series, targets, spikeEveryMs, spikeMs } = JSON.parse(process.argv[2]);
const perTarget = Math.ceil(series / targets);
const spikes = []; // { s, at }
const arrivals = []; // { s, status, at }
let current; // the spiking series and until when

/** The page of target `t` at time `now`: smooth, distinct values, and the current spike if it is on `t`. */
function page(t, now) {
  const lines = ['# TYPE soak_value gauge'];
  const phase = now / 60_000;
  const from = t * perTarget;
  const to = Math.min(series, from + perTarget);
  for (let s = from; s < to; s++) {
    const v = current && current.s === s && now < current.until ? 10_000 : 100 + 10 * Math.sin(s + phase);
    lines.push(`soak_value{s="${s}"} ${v.toFixed(3)}`);
  }
  return `${lines.join('\n')}\n`;
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (req.method === 'POST' && url.pathname === '/hook') {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      for (const a of body.alerts)
        arrivals.push({ s: Number(a.labels.s), alertname: a.labels.alertname, status: a.status, at });
      res.writeHead(200).end();
    });
    return;
  }
  res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
  res.end(page(Number(url.searchParams.get('t')), Date.now()));
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const base = `http://127.0.0.1:${port}`;
  let next = 0;
  // spikes walk through the series with a stride, so they land on every target in turn
  setInterval(() => {
    const s = (next++ * 7919) % series;
    const at = Date.now();
    current = { s, until: at + spikeMs };
    spikes.push({ s, at });
  }, spikeEveryMs).unref();
  process.send({
    type: 'ready',
    targets: Array.from({ length: targets }, (_, t) => `${base}/metrics?t=${t}`),
    hook: `${base}/hook`,
  });
});

process.on('message', (m) => {
  if (m.type === 'report') process.send({ type: 'report', spikes, arrivals });
  if (m.type === 'exit') server.close(() => process.exit(0));
});
