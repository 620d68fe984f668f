// The far end of bench/http: a 10k-series metrics page (gzip when asked) and a webhook that answers 200.
// Runs in its own process so its CPU is not counted. Prints its port on stdout.
import { createServer } from 'node:http';
import { gzipSync } from 'node:zlib';

const lines = ['# TYPE bench_series gauge'];
for (let i = 0; i < 10_000; i++)
  lines.push(`bench_series{job="bench",instance="i${i % 100}",id="${i}"} ${i * 0.5}`);
const page = Buffer.from(`${lines.join('\n')}\n`);
const zipped = gzipSync(page);
const server = createServer((req, res) => {
  if (req.url === '/metrics') {
    const gz = /gzip/.test(String(req.headers['accept-encoding'] ?? ''));
    res.writeHead(200, {
      'content-type': 'text/plain; version=0.0.4',
      ...(gz ? { 'content-encoding': 'gzip' } : {}),
    });
    res.end(gz ? zipped : page);
    return;
  }
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
