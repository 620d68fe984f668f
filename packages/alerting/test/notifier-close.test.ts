import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createAlertManager, defineNotifier, loadAlertmanagerConfig, type Notifier } from '../src/index.js';
import { sampleNotification } from '../src/testing.js';

// A reload builds a new alert manager from the new file and stops the old one: whatever the old receivers'
// http_config clients hold (keep-alive sockets, TLS and proxy agents) must be released by that stop.

const closing = (name: string, closed: string[], fail = false): Notifier =>
  ({
    kind: 'notifier',
    name,
    send: async () => ({ ok: true }),
    close: async () => {
      closed.push(name);
      if (fail) throw new Error('socket already gone');
    },
  }) as Notifier;

describe('alert manager stop closes its notifiers', () => {
  it("calls every notifier's close() once, and one that fails neither stops the others nor the stop", async () => {
    const closed: string[] = [];
    const warnings: string[] = [];
    const log = { debug() {}, info() {}, error() {}, warn: (m: string) => warnings.push(m) };
    const am = createAlertManager({
      config: {
        route: { receiver: 'a' },
        receivers: [
          { name: 'a', notifiers: [closing('one', closed, true), closing('two', closed)] },
          { name: 'b', notifiers: [closing('three', closed)] },
        ],
      },
      log: log as never,
      flap: false,
    });
    await am.start();
    await am.stop();
    await am.stop();
    expect(closed.sort()).toEqual(['one', 'three', 'two']);
    expect(warnings.join('\n')).toContain('notifier one failed to close: socket already gone');
  });

  it('a receiver loaded with http_config has its client closed: no request goes out after the stop', async () => {
    const seen: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      req.resume().on('end', () => res.end());
    });
    server.keepAliveTimeout = 60_000; // the connection would outlive the test if nothing closed it
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    try {
      const config = loadAlertmanagerConfig(
        [
          'route: { receiver: hook }',
          'receivers:',
          '  - name: hook',
          '    webhook_configs:',
          `      - url: ${url}`,
          '        http_config: { authorization: { credentials: tok } }',
        ].join('\n'),
      );
      const notifier = config.receivers[0]!.notifiers![0]! as Notifier;
      const ctx = { signal: new AbortController().signal } as never;
      expect(await notifier.send(sampleNotification(), ctx)).toMatchObject({ ok: true });
      expect(seen).toEqual(['Bearer tok']);

      const am = createAlertManager({ config, flap: false });
      await am.start();
      await am.stop();
      const after = await notifier
        .send(sampleNotification(), ctx)
        .catch((err: Error) => ({ ok: false, err }));
      expect(after.ok).toBe(false);
      expect(seen).toHaveLength(1);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('a notifier made by defineNotifier without close() is left as it is', async () => {
    const plain = defineNotifier({
      name: 'plain',
      options: (await import('zod')).z.object({}),
      create: () => ({ send: async () => ({ ok: true as const }) }),
    });
    const am = createAlertManager({
      config: { route: { receiver: 'p' }, receivers: [{ name: 'p', notifiers: [plain({})] }] },
    });
    await am.start();
    await expect(am.stop()).resolves.toBeUndefined();
  });
});
