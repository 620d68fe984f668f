import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fingerprint } from '@argus/core';
import { afterAll, describe, expect, it } from 'vitest';

const child = new URL('./fixtures/crash-child.mjs', import.meta.url).pathname;
const dist = new URL('../dist/index.js', import.meta.url).pathname;

interface Proc {
  p: ChildProcess;
  next(pred: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  send(cmd: unknown): void;
}

function start(dir: string, url: string): Proc {
  const p = spawn(process.execPath, [child, dir, url], { stdio: ['pipe', 'pipe', 'inherit'] });
  const seen: Record<string, unknown>[] = [];
  const waiters: [(m: Record<string, unknown>) => boolean, (m: Record<string, unknown>) => void][] = [];
  let buf = '';
  p.stdout!.on('data', (d) => {
    buf += d;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const m = JSON.parse(buf.slice(0, i));
      buf = buf.slice(i + 1);
      seen.push(m);
      for (const w of [...waiters]) {
        if (!w[0](m)) continue;
        waiters.splice(waiters.indexOf(w), 1);
        w[1](m);
      }
    }
  });
  return {
    p,
    next: (pred) =>
      new Promise((r) =>
        seen.find(pred) ? r(seen.splice(seen.findIndex(pred), 1)[0]!) : waiters.push([pred, r]),
      ),
    send: (cmd) => p.stdin!.write(`${JSON.stringify(cmd)}\n`),
  };
}

const until = async (cond: () => boolean, ms = 15_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
};

const a = (i: string, state = 'firing') => {
  const labels = { alertname: 'Crash', i };
  return { labels, annotations: {}, state, fingerprint: fingerprint(labels), origin: 'test' };
};

// needs the built package (the CLI's build step runs first in CI, where a missing dist fails instead of skipping)
describe.skipIf(!existsSync(dist) && !process.env['CI'])(
  'kill -9 and restart (built dist, file state store)',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'argus-am-crash-'));
    let server: Server | undefined;
    afterAll(() => {
      server?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('forgets no firing alert, loses no resolved notification, and repeats nothing within repeat_interval', async () => {
      const got: { status: string; alerts: { labels: { i: string }; status: string }[] }[] = [];
      let failResolved = true;
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          const n = JSON.parse(body);
          const hasResolved = n.alerts.some((x: { status: string }) => x.status === 'resolved');
          if (hasResolved && failResolved) {
            res.writeHead(503).end('down for maintenance');
            got.push({ ...n, status: 'REFUSED' });
            return;
          }
          got.push(n);
          res.end();
        });
      });
      await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;

      const first = start(dir, url);
      await first.next((m) => m['ready'] === true);
      first.send({ ingest: [a('1'), a('2')] });
      await first.next((m) => m['ingested'] === 2);
      await until(() => got.length === 1);
      first.send({ ingest: [a('1', 'resolved')] });
      await first.next((m) => m['ingested'] === 1);
      await until(() => got.some((n) => n.status === 'REFUSED'));
      first.p.kill('SIGKILL');
      await new Promise((r) => first.p.once('exit', r));

      failResolved = false;
      const refusedBefore = got.length;
      const second = start(dir, url);
      await second.next((m) => m['ready'] === true);
      second.send({ alerts: true });
      const listed = (await second.next((m) => 'alerts' in m))['alerts'] as { labels: { i: string } }[];
      expect(listed.map((x) => x.labels.i)).toContain('2');
      await until(() => got.slice(refusedBefore).some((n) => n.status !== 'REFUSED'));
      await new Promise((r) => setTimeout(r, 1500));
      second.p.kill('SIGKILL');
      const delivered = got.filter((n) => n.status !== 'REFUSED');
      const view = delivered.map((n) => n.alerts.map((x) => `${x.labels.i}:${x.status}`).join(','));
      // one first notification before the crash, one resolved notification after it, and no duplicate of the first
      expect(view).toEqual(['1:firing,2:firing', '1:resolved,2:firing']);
    }, 30_000);
  },
);
