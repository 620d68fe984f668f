// Rate limits on token use, on the server's injectable clock (no waiting): requests per token, and wrong tokens
// per client address (a guesser is refused even when it finally sends a right token, until the minute ends).
import { fakeClock } from '@argus/testkit';
import { afterEach, expect, it } from 'vitest';
import { auth, type TestServer, testServer } from './helpers.js';

let s: TestServer | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const get = async (srv: TestServer, headers: Record<string, string>) => {
  const res = await srv.app.inject({ method: 'GET', url: '/api/alerts', headers });
  return { status: res.statusCode, retryAfter: res.headers['retry-after'] };
};

it('limits the requests of one token per minute, not the others', async () => {
  const clock = fakeClock({ now: 1_700_000_000_000 });
  s = await testServer({ clock, tokenPerMinute: 3 });
  const viewer = auth(s.tokens.viewer);
  const codes = [];
  for (let i = 0; i < 4; i++) codes.push((await get(s, viewer)).status);
  expect(codes).toEqual([200, 200, 200, 429]);
  clock.advance(20_000);
  expect(await get(s, viewer)).toEqual({ status: 429, retryAfter: '40' });
  expect((await get(s, auth(s.tokens.operator))).status).toBe(200);
  clock.advance(40_000);
  expect((await get(s, viewer)).status).toBe(200);
});

it('refuses an address that sent too many wrong tokens, even with a right one, until the minute ends', async () => {
  const clock = fakeClock({ now: 1_700_000_000_000 });
  s = await testServer({ clock, tokenFailuresPerMinute: 3 });
  const wrong = (i: number) => ({ authorization: `Bearer argus_0123456789abcdef_${'x'.repeat(42)}${i}` });
  const codes = [];
  for (let i = 0; i < 4; i++) codes.push((await get(s, wrong(i))).status);
  expect(codes).toEqual([401, 401, 401, 429]);
  expect(await get(s, auth(s.tokens.viewer))).toEqual({ status: 429, retryAfter: '60' });
  clock.advance(60_000);
  expect((await get(s, auth(s.tokens.viewer))).status).toBe(200);
});
