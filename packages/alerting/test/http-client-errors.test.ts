import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createHttpClient, webhookNotifier, withHttpClient } from '../src/index.js';
import { sampleNotification } from '../src/testing.js';

// A send that fails before any byte leaves (the client's own configuration is wrong) must say what to fix, not
// only an error class name: the notification log and the UI show this text to whoever has to repair the file.
describe('http_config problems reach the notifier error as their own message', () => {
  const ctx = { signal: new AbortController().signal } as never;

  it('an unreadable credentials_file names the field and the path', async () => {
    const n = withHttpClient(
      webhookNotifier({ url: 'http://127.0.0.1:9/hook' }),
      createHttpClient({ authorization: { credentialsFile: '/nonexistent/argus-token' } }),
    );
    const r = await n.send(sampleNotification(), ctx);
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.error.message).toMatch(
        /^webhook: POST http:\/\/127\.0\.0\.1:9\/… failed: http_config: cannot read authorization\.credentials_file "\/nonexistent\/argus-token": ENOENT/,
      );
  });

  it('a network failure reports its code, not fetch\'s "fetch failed" or an error class name', async () => {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    await new Promise((r) => server.close(r)); // nothing listens there now
    const n = withHttpClient(webhookNotifier({ url: `http://127.0.0.1:${port}/hook` }), createHttpClient({}));
    const r = await n.send(sampleNotification(), ctx);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/failed: ECONNREFUSED$/);
  });

  it('a connection to port 9 says why', async () => {
    const n = withHttpClient(webhookNotifier({ url: 'http://127.0.0.1:9/hook' }), createHttpClient({}));
    const r = await n.send(sampleNotification(), ctx);
    // node:http, unlike fetch, has no blocked-port list: port 9 is simply refused
    if (!r.ok) expect(r.error.message).toMatch(/failed: ECONNREFUSED$/);
    expect(r.ok).toBe(false);
  });
});
