import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAlertManager } from '@argus/alerting';
import { memoryStateStore } from '@argus/core';
import { expect, it } from 'vitest';
import { argusHandler, createArgusServer } from '../src/index.js';

const am = () =>
  createAlertManager({ config: { route: { receiver: 'r' }, receivers: [{ name: 'r' }] }, durable: false });

it('serves the API through a plain node:http handler', async () => {
  const { handler, close } = await argusHandler({ alertManager: am(), state: memoryStateStore() });
  const server = createServer(handler);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  try {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    expect(await (await fetch(`${base}/-/healthy`)).text()).toBe('Argus is Healthy.\n');
    expect((await fetch(`${base}/api/alerts`)).status).toBe(401);
  } finally {
    await new Promise((ok) => server.close(ok));
    await close();
  }
});

it('refuses bad options naming the option', async () => {
  await expect(createArgusServer({ alertManager: am(), state: 'nope' as never })).rejects.toThrow(/state/);
  await expect(
    createArgusServer({ alertManager: am(), state: memoryStateStore(), bodyLimitBytes: -1 }),
  ).rejects.toThrow(/bodyLimitBytes/);
});
