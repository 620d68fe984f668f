// GET /api/plugins carries each plugin's last error (from core's stats), with the secrets the server knows replaced.
import { createPipeline, type PluginError, type Source, silentLogger } from '@argus/core';
import { expect, it } from 'vitest';
import { auth, SECRETS, testServer } from './helpers.js';

it('a failing plugin’s last error shows with its hook and time, a known secret in it redacted', async () => {
  const failing: Source = {
    kind: 'source',
    name: 'notify-probe',
    apiVersion: 1,
    poll: () => {
      throw new Error(`POST ${SECRETS.webhook} answered 500`);
    },
  };
  const healthy: Source = { kind: 'source', name: 'fine', apiVersion: 1, poll: () => undefined };
  const pipeline = createPipeline({
    logger: silentLogger,
    sources: [
      { use: failing, intervalMs: 3_600_000 },
      { use: healthy, intervalMs: 3_600_000 },
    ],
  });
  const failed = new Promise<PluginError>((ok) => pipeline.once('error', ok));
  const s = await testServer({ pipeline });
  try {
    const before = Date.now();
    await pipeline.start();
    await failed;
    const res = await s.app.inject({ url: '/api/plugins', headers: auth(s.tokens.viewer) });
    expect(res.statusCode).toBe(200);
    const plugins = res.json() as Record<string, { errors: number; lastError?: Record<string, unknown> }>;
    expect(plugins['notify-probe']?.errors).toBe(1);
    expect(plugins['notify-probe']?.lastError).toMatchObject({
      message: expect.stringContaining('POST <secret> answered 500'),
      hook: 'poll',
    });
    expect(plugins['notify-probe']?.lastError?.['at']).toBeGreaterThanOrEqual(before);
    expect(res.body).not.toContain(SECRETS.webhook);
    expect(plugins['fine']?.lastError).toBeUndefined();
  } finally {
    await s.close();
    await pipeline.stop();
  }
});
