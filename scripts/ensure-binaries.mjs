#!/usr/bin/env node
// Makes sure the real servers the integration tests start are installed. As root with apt (CI, a Debian box)
// it installs what is missing; elsewhere it names what is missing and how to get it. In CI (CI=true) a
// binary that is still missing fails the run: integration tests never skip silently there.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const needed = [
  { bin: 'prometheus', pkg: 'prometheus' },
  { bin: 'promtool', pkg: 'prometheus' },
  { bin: 'prometheus-alertmanager', pkg: 'prometheus-alertmanager' },
  { bin: 'prometheus-node-exporter', pkg: 'prometheus-node-exporter' },
  // source-prometheus's TLS tests make a certificate with it on each run
  { bin: 'openssl', pkg: 'openssl' },
  // @argus/state-redis runs its contract and restart tests against a real Redis
  { bin: 'redis-server', pkg: 'redis-server' },
  // @argus/remote-write writes to and reads back from a real VictoriaMetrics
  { bin: 'victoria-metrics', pkg: 'victoria-metrics' },
  // @argus/nats carries batches through a real nats-server with JetStream
  { bin: 'nats-server', pkg: 'nats-server' },
  // @argus/ui's end-to-end test drives a real headless Chromium
  { bin: 'chromium', pkg: 'chromium' },
];

const onPath = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
const missing = () => needed.filter((n) => !onPath(n.bin));

let gone = missing();
const isRoot = process.getuid?.() === 0;
const hasApt = existsSync('/usr/bin/apt-get');
if (gone.length > 0 && isRoot && hasApt) {
  const pkgs = [...new Set(gone.map((n) => n.pkg))];
  console.log(`ensure-binaries: installing ${pkgs.join(' ')} with apt-get (needed by the integration tests)`);
  const apt = (args) =>
    execFileSync('apt-get', ['-o', 'DPkg::Lock::Timeout=600', ...args], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  try {
    apt(['update']);
    apt(['install', '-y', '--no-install-recommends', ...pkgs]);
  } catch (err) {
    console.error(`ensure-binaries: apt-get failed: ${err.message}`);
  }
  gone = missing();
}
if (gone.length > 0) {
  const pkgs = [...new Set(gone.map((n) => n.pkg))].join(' ');
  const msg = `missing binaries: ${gone.map((n) => n.bin).join(', ')} — install them with: sudo apt-get install -y ${pkgs} (Debian/Ubuntu)`;
  if (process.env.CI === 'true') {
    console.error(`ensure-binaries: ${msg}. In CI they are required.`);
    process.exit(1);
  }
  console.warn(`ensure-binaries: ${msg}. The tests that need them will be skipped and say so.`);
} else {
  console.log(`ensure-binaries: ${needed.map((n) => n.bin).join(', ')} are installed`);
}
