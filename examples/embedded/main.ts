// The service around the README's snippet (service.ts, run for its effect): an HTTP server with the /metrics
// page a real service has. The server is also what keeps this process running: Argus's timers are unref'd so
// that they never hold a service open, so the snippet on its own exits as soon as Argus has started.
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { register } from 'prom-client';
import './service.js';

const server = createServer((req, res) => {
  if (req.url !== '/metrics') {
    res.writeHead(404).end('this example serves /metrics\n');
    return;
  }
  register.metrics().then(
    (text) => res.writeHead(200, { 'content-type': register.contentType }).end(text),
    (err: unknown) => res.writeHead(500).end(String(err)),
  );
});
await new Promise<void>((r) => server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', r));
const { port } = server.address() as AddressInfo;
const series = (await register.getMetricsAsJSON()).reduce((n, m) => n + m.values.length, 0);
const state = resolve('.argus', 'state');
console.log(
  `example-embedded: serving http://127.0.0.1:${port}/metrics (${series} prom-client series, watched by Argus; ` +
    `learned state in ${state}). Stop with SIGTERM or Ctrl-C.`,
);

// service.ts stops Argus on SIGTERM; Ctrl-C runs the same SIGTERM listeners (emitted here, not sent: once the server
// is closed nothing holds the process, and it would exit before a signal sent to itself arrived). `on`, not `once`:
// pnpm forwards the signal it got itself, and the second copy must not kill the process halfway through the stop.
let stopping = false;
const stop = (signal: NodeJS.Signals): void => {
  if (stopping) return;
  stopping = true;
  if (signal === 'SIGINT') process.emit('SIGTERM', 'SIGTERM');
  server.close();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('exit', (code) => {
  if (code !== 0 || !stopping) return;
  const files = existsSync(state) ? readdirSync(state).length : 0;
  console.log(`example-embedded: stopped; Argus's learned state: ${files} files in ${state}`);
});
