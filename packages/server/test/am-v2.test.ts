// Alertmanager API v2 routes amtool does not reach (issue 17): alert groups, receivers and one silence by id, in
// Alertmanager's shapes, with their filters and bad input.
import { afterEach, expect, it } from 'vitest';
import { auth, firing, type TestServer, testServer } from './helpers.js';

let s: TestServer | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

interface Group {
  labels: Record<string, string>;
  receiver: { name: string };
  alerts: { labels: Record<string, string>; fingerprint: string; status: { state: string } }[];
}

it('GET /api/v2/alerts/groups: one group per alertname with its receiver, filtered by matchers', async () => {
  s = await testServer();
  s.am.ingest([
    firing({ alertname: 'HighCPU', instance: 'a' }),
    firing({ alertname: 'HighCPU', instance: 'b' }),
    firing({ alertname: 'DiskFull', instance: 'a' }),
  ]);
  const h = auth(s.tokens.viewer);
  const groups = (await s.app.inject({ url: '/api/v2/alerts/groups', headers: h })).json() as Group[];
  const byName: Record<string, Group> = Object.fromEntries(groups.map((g) => [g.labels.alertname, g]));
  expect(Object.keys(byName).sort()).toEqual(['DiskFull', 'HighCPU']);
  expect(byName.HighCPU!.receiver).toEqual({ name: 'ops' });
  expect(byName.HighCPU!.labels).toEqual({ alertname: 'HighCPU' });
  expect(byName.HighCPU!.alerts.map((a) => a.labels.instance).sort()).toEqual(['a', 'b']);
  expect(byName.HighCPU!.alerts[0]!.status.state).toBe('active');

  const onlyB = (
    await s.app.inject({ url: '/api/v2/alerts/groups?filter=instance%3D%22b%22', headers: h })
  ).json() as Group[];
  expect(onlyB.map((g) => [g.labels.alertname, g.alerts.map((a) => a.labels.instance)])).toEqual([
    ['HighCPU', ['b']],
  ]);
  const bad = await s.app.inject({ url: '/api/v2/alerts/groups?filter=instance%3D~%22(%22', headers: h });
  expect(bad.statusCode).toBe(400);
  expect(bad.json().field).toBe('querystring.filter');
});

it('GET /api/v2/receivers lists the configured receivers and those of groups holding alerts', async () => {
  s = await testServer({ receivers: ['pager'] });
  const h = auth(s.tokens.viewer);
  const names = async (): Promise<string[]> =>
    ((await s!.app.inject({ url: '/api/v2/receivers', headers: h })).json() as { name: string }[])
      .map((r) => r.name)
      .sort();
  expect(await names()).toEqual(['pager']);
  s.am.ingest([firing({ alertname: 'HighCPU' })]); // routed to `ops`
  expect(await names()).toEqual(['ops', 'pager']);
});

it('GET /api/v2/silence/{id}: the silence in Alertmanager’s shape, 404 for an unknown id, expired after DELETE', async () => {
  s = await testServer();
  const now = Date.now();
  const made = await s.app.inject({
    method: 'POST',
    url: '/api/v2/silences',
    headers: auth(s.tokens.operator),
    payload: {
      matchers: [{ name: 'alertname', value: 'High.*', isRegex: true, isEqual: true }],
      startsAt: new Date(now).toISOString(),
      endsAt: new Date(now + 3_600_000).toISOString(),
      createdBy: 'amtool-user',
      comment: 'maintenance',
    },
  });
  expect(made.statusCode).toBe(200);
  const id = made.json().silenceID as string;
  const h = auth(s.tokens.viewer);
  const got = await s.app.inject({ url: `/api/v2/silence/${id}`, headers: h });
  expect(got.statusCode).toBe(200);
  expect(got.json()).toMatchObject({
    id,
    status: { state: 'active' },
    matchers: [{ name: 'alertname', value: 'High.*', isRegex: true, isEqual: true }],
    endsAt: new Date(now + 3_600_000).toISOString(),
    createdBy: 'amtool-user',
    comment: 'maintenance',
  });
  expect((await s.app.inject({ url: '/api/v2/silence/no-such-id', headers: h })).statusCode).toBe(404);
  const del = await s.app.inject({
    method: 'DELETE',
    url: `/api/v2/silence/${id}`,
    headers: auth(s.tokens.operator),
  });
  expect(del.statusCode).toBe(200);
  const after = await s.app.inject({ url: `/api/v2/silence/${id}`, headers: h });
  expect(after.json().status.state).toBe('expired');
});
