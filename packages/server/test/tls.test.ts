// HTTPS by configuration, with a self-signed certificate openssl makes for 127.0.0.1 (testkit selfSignedCert).
import { request } from 'node:https';
import { createAlertManager } from '@argus/alerting';
import { memoryStateStore } from '@argus/core';
import { describeWithBinary, findBinary, selfSignedCert } from '@argus/testkit';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addUser, createArgusServer } from '../src/index.js';

const PASSWORD = 'tls-test-password-1234';
let cert: string;
let app: FastifyInstance | undefined;

let key: string;
beforeAll(() => {
  if (findBinary('openssl')) ({ cert, key } = selfSignedCert());
});
afterAll(async () => {
  await app?.close();
});

/** An HTTPS request trusting only the test's certificate. */
function https(url: string, init: { method?: string; body?: string } = {}) {
  return new Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: string;
  }>((ok, fail) => {
    const req = request(
      url,
      {
        method: init.method ?? 'GET',
        ca: cert,
        headers: init.body ? { 'content-type': 'application/json' } : {},
      },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => ok({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on('error', fail);
    req.end(init.body);
  });
}

describeWithBinary([{ bin: 'openssl', pkg: 'openssl' }], 'TLS', () => {
  it('serves HTTPS with the configured certificate, refuses plain HTTP, and sets Secure session cookies', async () => {
    const state = memoryStateStore();
    await addUser(state, { name: 'alice', password: PASSWORD, role: 'viewer' });
    const am = createAlertManager({
      config: { route: { receiver: 'r' }, receivers: [{ name: 'r' }] },
      durable: false,
    });
    app = await createArgusServer({
      alertManager: am,
      state,
      tls: { cert, key: Buffer.from(key) },
    });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect((await https(`${url}/-/healthy`)).status).toBe(200);
    // the same port over plain HTTP gets no answer from the API
    await expect(fetch(url.replace('https:', 'http:') + '/-/healthy')).rejects.toThrow();
    const login = await https(`${url}/api/login`, {
      method: 'POST',
      body: JSON.stringify({ user: 'alice', password: PASSWORD }),
    });
    expect(login.status).toBe(200);
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).toMatch(/argus_session=/);
    expect(cookie).toMatch(/;\s*Secure/i);
    expect(cookie).toMatch(/HttpOnly/i);
  });

  it('refuses a tls option without a key, naming it', async () => {
    const am = createAlertManager({
      config: { route: { receiver: 'r' }, receivers: [{ name: 'r' }] },
      durable: false,
    });
    await expect(
      createArgusServer({ alertManager: am, state: memoryStateStore(), tls: { cert } as never }),
    ).rejects.toThrow(/tls\.key/);
  });
});
