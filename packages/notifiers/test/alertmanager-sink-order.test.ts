// An Alertmanager applies alerts in the order their requests complete, and the newest update wins. A re-send of a
// firing alert still in flight when the alert resolves must therefore reach each peer before the resolve, or the
// peer revives it. The receiver below holds the first request (the re-send) until the test releases it, and
// applies each request when it completes, as Alertmanager does.
import { createServer, type Server } from 'node:http';
import { type Alert, fingerprint } from '@argus/core';
import { fakeClock, testContext } from '@argus/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { alertmanagerSink } from '../src/index.js';

interface Posted {
  endsAt: string;
}

let server: Server;
let url = '';
const applied: string[] = [];
let release: (() => void) | undefined;
let held = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    let b = '';
    req.on('data', (c) => (b += c));
    req.on('end', () => {
      const [alert] = JSON.parse(b) as Posted[];
      const state = Date.parse(alert!.endsAt) > 10_000_000 ? 'firing' : 'resolved';
      const apply = () => {
        applied.push(state);
        res.writeHead(200).end();
      };
      if (held++ === 0) release = apply;
      else apply();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => server?.close());

it('a resolve written while a re-send is in flight reaches the peer after it', async () => {
  const clock = fakeClock({ now: 1_000_000 });
  const ctx = testContext({ clock });
  const sink = alertmanagerSink({ url, resendIntervalMs: 60_000, endsAtAheadMs: 10_000_000 });
  const labels = { alertname: 'Order' };
  const alert: Alert = {
    labels,
    annotations: {},
    state: 'firing',
    startsAt: 1_000_000,
    fingerprint: fingerprint(labels),
    origin: 'test',
  };
  await sink.start!(ctx);
  // the first write is answered at once; the re-send the clock triggers next is held by the receiver
  held = -1;
  expect(await sink.write({ kind: 'alerts', alerts: [alert] }, ctx)).toEqual({ ok: true });
  clock.advance(60_000);
  while (!release) await new Promise((r) => setTimeout(r, 10));
  const resolved = sink.write(
    { kind: 'alerts', alerts: [{ ...alert, state: 'resolved', endsAt: 1_060_000 }] },
    ctx,
  );
  // give a resolve sent out of turn every chance to overtake the held re-send
  await new Promise((r) => setTimeout(r, 200));
  release();
  expect(await resolved).toEqual({ ok: true });
  expect(applied).toEqual(['firing', 'firing', 'resolved']);
  await sink.stop!(ctx);
});
