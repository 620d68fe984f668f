// Opt-in: runs against a real Grafana when GRAFANA_URL and GRAFANA_TOKEN (an Editor service-account token) are set.
import { fingerprint, memoryStateStore } from '@argus/core';
import { testContext } from '@argus/testkit';
import { describe, expect, it } from 'vitest';
import { grafanaSink } from '../src/index.js';

const url = process.env['GRAFANA_URL'];
const token = process.env['GRAFANA_TOKEN'];

describe.skipIf(!url || !token)('grafanaSink against a live Grafana', () => {
  it('creates one region annotation, closes it, and finds it by tag', async () => {
    const run = `live-${Date.now()}`;
    const labels = { alertname: 'ArgusLiveTest', run };
    const startsAt = Date.now() - 60_000;
    const alert = {
      labels,
      annotations: {},
      state: 'firing' as const,
      startsAt,
      fingerprint: fingerprint(labels),
      origin: 'test',
    };
    const sink = grafanaSink({ url: url!, token: token!, tags: ['argus', run] });
    const ctx = testContext({ state: memoryStateStore() });
    expect(await sink.healthcheck!(ctx)).toMatchObject({ status: 'ok' });
    expect(await sink.write({ kind: 'alerts', alerts: [alert] }, ctx)).toEqual({ ok: true });
    const resolved = { ...alert, state: 'resolved' as const, endsAt: startsAt + 30_000 };
    expect(await sink.write({ kind: 'alerts', alerts: [resolved, resolved] }, ctx)).toEqual({ ok: true });
    const headers = { authorization: `Bearer ${token}` };
    const res = await fetch(`${url!.replace(/\/$/, '')}/api/annotations?tags=${run}&limit=10`, { headers });
    const list = (await res.json()) as { id: number; time: number; timeEnd: number }[];
    expect(list.map((a) => [a.time, a.timeEnd])).toEqual([[startsAt, startsAt + 30_000]]);
    for (const a of list)
      await fetch(`${url!.replace(/\/$/, '')}/api/annotations/${a.id}`, { method: 'DELETE', headers });
  }, 60_000);
});
