// GET /api/trends over a real store: the trend detector's slope and forecast per series group, and "will cross X
// within H", checked against series whose trend is known by construction.
import { createStore, type Store } from '@argus/store';
import { afterEach, describe, expect, it } from 'vitest';
import { auth, type TestServer, testServer } from './helpers.js';

const T0 = 1_700_000_000_000;
const STEP_MS = 15_000;
const HOUR_MS = 3_600_000;
const N = 240; // an hour at 15 s

let s: TestServer | undefined;
let store: Store | undefined;
afterEach(async () => {
  await s?.close();
  await store?.close();
  s = store = undefined;
});

/**
 * disk_used_ratio over an hour: db-1 rises 0.5 → 0.8 (0.3 an hour) with a little deterministic wobble, db-2 stays at
 * 0.3 with the same wobble; web-1 and web-2 (job="web") sit at 0.2 and 0.4.
 */
async function serve(): Promise<TestServer> {
  store = createStore();
  const wobble = (i: number) => 0.002 * Math.sin(i * 1.7);
  for (let i = 0; i < N; i++) {
    const t = T0 + i * STEP_MS;
    store.append(
      { __name__: 'disk_used_ratio', job: 'db', host: 'db-1' },
      t,
      0.5 + (0.3 * i) / N + wobble(i),
    );
    store.append({ __name__: 'disk_used_ratio', job: 'db', host: 'db-2' }, t, 0.3 + wobble(i));
    store.append({ __name__: 'disk_used_ratio', job: 'web', host: 'web-1' }, t, 0.2);
    store.append({ __name__: 'disk_used_ratio', job: 'web', host: 'web-2' }, t, 0.4);
  }
  s = await testServer({ store });
  return s;
}

const get = async (srv: TestServer, q: string, token = srv.tokens.viewer) => {
  const res = await srv.app.inject({ url: `/api/trends?${q}`, headers: auth(token) });
  return { status: res.statusCode, body: res.json() };
};
const range = `from=${T0}&to=${T0 + N * STEP_MS}`;

describe('GET /api/trends', () => {
  it('per series: the slope, the forecast and when the rising one crosses the limit', async () => {
    const srv = await serve();
    const { status, body } = await get(
      srv,
      `match=disk_used_ratio{job="db"}&${range}&above=0.9&horizonMs=${HOUR_MS}`,
    );
    expect(status).toBe(200);
    expect(body.horizonMs).toBe(HOUR_MS);
    const by = Object.fromEntries(body.groups.map((g: { labels: { host: string } }) => [g.labels.host, g]));
    const rising = by['db-1'];
    expect(rising.series).toBe(1);
    expect(rising.timestamps).toHaveLength(N);
    expect(rising.fit.slopePerHour).toBeCloseTo(0.3, 2);
    const end = T0 + (N - 1) * STEP_MS;
    expect(rising.fit.end.t).toBe(end);
    expect(rising.fit.end.value).toBeCloseTo(0.8, 2);
    // 0.8 → 0.9 at 0.3 an hour: 20 minutes after the last sample, within the hour
    const [cross] = rising.fit.crossings;
    expect(cross).toMatchObject({ threshold: 0.9, direction: 'above', within: true, breach: true });
    expect(Math.abs(cross.at - (end + HOUR_MS / 3))).toBeLessThan(2 * 60_000);
    expect(rising.fit.forecast.value).toBeCloseTo(1.1, 2);
    expect(rising.fit.forecast.lower).toBeLessThan(rising.fit.forecast.value);
    expect(rising.fit.forecast.upper).toBeGreaterThan(rising.fit.forecast.value);

    const flat = by['db-2'];
    expect(Math.abs(flat.fit.slopePerHour)).toBeLessThan(0.01);
    expect(flat.fit.crossings[0]).toMatchObject({ within: false, breach: false });
  });

  it('a limit further than the horizon reaches: the line crosses it, but not within H', async () => {
    const srv = await serve();
    const { body } = await get(
      srv,
      `match=disk_used_ratio{host="db-1"}&${range}&above=1.5&horizonMs=${HOUR_MS}`,
    );
    const [cross] = body.groups[0].fit.crossings;
    expect(cross.within).toBe(false);
    expect(cross.breach).toBe(false);
    // 0.8 → 1.5 at 0.3 an hour: about 2 h 20 min on
    expect(Math.abs(cross.at - (T0 + (N - 1) * STEP_MS + (7 / 3) * HOUR_MS))).toBeLessThan(5 * 60_000);
    const below = await get(srv, `match=disk_used_ratio{host="db-1"}&${range}&below=0.1`);
    // heading up, away from the lower limit: never
    expect(below.body.groups[0].fit.crossings[0]).toMatchObject({
      direction: 'below',
      at: null,
      within: false,
    });
  });

  it('`by` groups series by labels: each group is the mean of its series', async () => {
    const srv = await serve();
    const { body } = await get(srv, `match=disk_used_ratio&${range}&by=job`);
    expect(body.groups.map((g: { labels: unknown; series: number }) => [g.labels, g.series])).toEqual([
      [{ job: 'db' }, 2],
      [{ job: 'web' }, 2],
    ]);
    const web = body.groups[1];
    expect(web.values.every((v: number) => Math.abs(v - 0.3) < 1e-9)).toBe(true);
    expect(web.fit.slopePerHour).toBeCloseTo(0, 6);
    expect(web.fit.crossings).toEqual([]);
    expect((await get(srv, `match=disk_used_ratio&${range}&limit=1`)).body).toMatchObject({
      truncated: true,
    });
  });

  it('too few samples: no fit, and why', async () => {
    const srv = await serve();
    const { body } = await get(srv, `match=disk_used_ratio{host="db-1"}&from=${T0}&to=${T0 + 3 * STEP_MS}`);
    expect(body.groups[0]).toMatchObject({ fit: null, reason: '3 samples in the range: the trend needs 4' });
  });

  it('refuses bad parameters naming the field, and roles without read', async () => {
    const srv = await serve();
    const bad = async (q: string, field: string) => {
      const r = await get(srv, q);
      expect(r.status, q).toBe(400);
      expect(JSON.stringify(r.body), q).toContain(field);
    };
    await bad(`match=disk_used_ratio{&${range}`, 'querystring.match');
    await bad(`match=x&${range}&above=1&below=2`, 'querystring.below');
    await bad(`match=x&from=${T0}&to=${T0}`, 'querystring.from');
    await bad(`match=x&${range}&horizonMs=10`, 'horizonMs');
    expect((await get(srv, `match=x&${range}`, srv.tokens.sender)).status).toBe(403);
    expect((await srv.app.inject({ url: `/api/trends?match=x&${range}` })).statusCode).toBe(401);
    const doc = (await srv.app.inject({ url: '/api/openapi.json' })).json();
    const names = (doc.paths['/api/trends'].get.parameters as { name: string }[]).map((p) => p.name).sort();
    expect(names).toEqual(['above', 'below', 'by', 'from', 'horizonMs', 'limit', 'match', 'to']);
  });

  it('without a store: 404 saying what to pass', async () => {
    s = await testServer();
    const r = await get(s, `match=x&${range}`);
    expect(r.status).toBe(404);
    expect(r.body.message).toContain('pass `store`');
  });
});
