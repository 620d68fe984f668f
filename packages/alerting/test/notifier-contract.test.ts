import { expect, it } from 'vitest';
import { createHttpClient, defineNotifier, webhookNotifier, withHttpClient } from '../src/index.js';
import { sampleNotification, testNotifier } from '../src/testing.js';

testNotifier(() => webhookNotifier({ url: 'http://127.0.0.1:9/alerts' }), {
  badOptions: () => webhookNotifier({ url: 'not a url' }),
  http: { make: (url) => webhookNotifier({ url }), success: [200, ''] },
  additionalTests: () =>
    it('is a factory made by defineNotifier: it carries its name and options schema', () => {
      expect(webhookNotifier.pluginName).toBe('webhook');
      expect(typeof webhookNotifier.schema['~standard'].validate).toBe('function');
    }),
});

// The same notifier with its requests made by an http_config client (credentials added, TLS and proxy unused).
const viaClient = (url: string) =>
  withHttpClient(webhookNotifier({ url }), createHttpClient({ authorization: { credentials: 'tok' } }));
testNotifier(
  () => withHttpClient(webhookNotifier({ url: 'http://127.0.0.1:9/alerts' }), createHttpClient({})),
  {
    title: 'withHttpClient(webhookNotifier)',
    http: { make: viaClient, success: [200, ''] },
  },
);

// A notifier that ignores the contract fails the suite's checks: the suite cannot pass anything.
it('the suite rejects a notifier that throws instead of returning a failure', async () => {
  const { z } = await import('zod');
  const throwing = defineNotifier({
    name: 'throwing',
    options: z.object({}),
    create: () => ({
      send: () => {
        throw new Error('boom');
      },
    }),
  });
  const n = throwing({});
  expect(n).toMatchObject({ kind: 'notifier', name: 'throwing', type: 'throwing' });
  expect(() => n.send(sampleNotification(), { signal: AbortSignal.abort() })).toThrow('boom');
});
