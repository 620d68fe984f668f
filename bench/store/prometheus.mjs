// Runs the real Prometheus on the same data: promtool builds TSDB blocks from OpenMetrics, then the server
// is started on that directory and queried over HTTP on 127.0.0.1.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { toOpenMetrics } from './data.mjs';

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function sizeOf(dir, pick) {
  let n = 0;
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    const st = statSync(p);
    if (st.isDirectory()) n += sizeOf(p, pick);
    else if (pick(p)) n += st.size;
  }
  return n;
}

/** Builds blocks, starts Prometheus, returns { bytesPerSample, chunkBytesPerSample, query(path), stop() } or undefined. */
export async function startPrometheus(series, workDir) {
  if (!existsSync('/usr/bin/promtool') || !existsSync('/usr/bin/prometheus')) return undefined;
  mkdirSync(workDir, { recursive: true });
  const om = join(workDir, 'data.om');
  writeFileSync(om, toOpenMetrics(series));
  const tsdb = join(workDir, 'tsdb');
  execFileSync('/usr/bin/promtool', ['tsdb', 'create-blocks-from', 'openmetrics', om, tsdb], {
    stdio: 'ignore',
  });
  let samples = 0;
  for (const s of series) samples += s.timestamps.length;
  const all = sizeOf(tsdb, () => true);
  const chunks = sizeOf(tsdb, (p) => p.includes(`${'/chunks/'}`));
  const config = join(workDir, 'prometheus.yml');
  writeFileSync(config, 'global:\n  scrape_interval: 1h\n');
  const port = await freePort();
  const proc = spawn(
    '/usr/bin/prometheus',
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${tsdb}`,
      '--storage.tsdb.retention.time=100y',
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: 'ignore' },
  );
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${base}/-/ready`)).ok) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    bytesPerSample: all / samples,
    chunkBytesPerSample: chunks / samples,
    async query(params) {
      const res = await fetch(`${base}/api/v1/query_range?${new URLSearchParams(params)}`);
      const body = await res.json();
      if (body.status !== 'success') throw new Error(`prometheus: ${JSON.stringify(body).slice(0, 300)}`);
      return body.data.result;
    },
    stop() {
      proc.kill('SIGTERM');
    },
  };
}
