import { describe, expect, it } from 'vitest';
import type { Notifier, NotifyResult } from '../manager/model.js';
import { type Answer, type LocalReceiver, localReceiver } from './receiver.js';
import { sampleNotification } from './sample.js';

/** Options of {@link testNotifier}. */
export interface NotifierSuiteOptions {
  /** Name of the `describe` block. @default `notifier contract: <name>` */
  title?: string;
  /** Builds the notifier from bad options: the suite expects `ERR_PLUGIN_OPTIONS` naming `<name>-notifier`. */
  badOptions?: () => unknown;
  /**
   * For notifiers that POST to an HTTP endpoint: builds one sending to `url` (a local receiver's address with a
   * secret path), and the receiver's documented success answer `[status, body]`. Adds the HTTP checks: success,
   * 429 with `Retry-After`, 5xx and 4xx, a refused connection, and no secret in any error.
   */
  http?: {
    make: (url: string) => Notifier;
    success: [number, string];
    /** The request's media type, for receivers whose API takes a form or a query. @default 'application/json' */
    contentType?: string;
  };
  /** Registers more tests inside the suite's `describe`. */
  additionalTests?: () => void;
}

const ctx = () => ({ signal: new AbortController().signal });
const SECRET_PATH = '/services/T000/B000/SECRETSECRET?sig=SIGSECRET';
const noSecret = (e: Error) => expect(e.message).not.toMatch(/SECRET|T000|B000/);

/**
 * The notifier contract, for every notifier author (the way `@argus/testkit`'s suites serve the other plugin
 * kinds): the plugin shape (`kind: 'notifier'`, a `name`, `send`), bad options rejected naming the plugin, and a
 * send that never throws: an aborted send settles as a failure. With `http`, the receiver contract too.
 * @example
 * testNotifier(() => chatNotifier({ url: 'http://127.0.0.1:1/x' }), {
 *   badOptions: () => chatNotifier({ url: 'not a url' }),
 *   http: { make: (url) => chatNotifier({ url }), success: [200, 'ok'] },
 * });
 */
export function testNotifier(factory: () => Notifier, options: NotifierSuiteOptions = {}): void {
  describe(options.title ?? `notifier contract: ${nameOf(factory)}`, () => {
    it('contract: is a notifier plugin with a name, built fresh by each call', () => {
      const n = factory();
      expect(n.kind).toBe('notifier');
      expect(typeof n.name).toBe('string');
      expect(n.name.length).toBeGreaterThan(0);
      if (n.type !== undefined) expect(n.type).toBe(n.name);
      expect(typeof n.send).toBe('function');
      expect(factory()).not.toBe(n);
      if (n.maxAlerts !== undefined) expect(Number.isInteger(n.maxAlerts) && n.maxAlerts >= 0).toBe(true);
    });

    if (options.badOptions) {
      const bad = options.badOptions;
      it('contract: bad options throw ERR_PLUGIN_OPTIONS naming the notifier', () => {
        expect(bad).toThrow(
          expect.objectContaining({
            code: 'ERR_PLUGIN_OPTIONS',
            message: expect.stringContaining(`${factory().name}-notifier`),
          }),
        );
      });
    }

    it('contract: an aborted send settles as a failure, never a throw', async () => {
      const ctl = new AbortController();
      ctl.abort();
      let res: NotifyResult | undefined;
      await expect(
        (async () => {
          res = await factory().send(sampleNotification(), { signal: ctl.signal });
        })(),
      ).resolves.toBeUndefined();
      expect(res?.ok).toBe(false);
    });

    if (options.http)
      httpChecks(options.http.make, options.http.success, options.http.contentType ?? 'application/json');
    options.additionalTests?.();
  });
}

/** The notifier's name for the suite's title; a factory that needs a fixture started first gets a plain title. */
function nameOf(factory: () => Notifier): string {
  try {
    return factory().name;
  } catch {
    return 'notifier';
  }
}

function httpChecks(make: (url: string) => Notifier, success: [number, string], contentType: string): void {
  const withServer = async (f: (r: LocalReceiver, n: Notifier) => Promise<void>): Promise<void> => {
    const r = await localReceiver([success[0], {}, success[1]]);
    try {
      await f(r, make(r.url + SECRET_PATH));
    } finally {
      await r.close();
    }
  };

  it(`contract: succeeds on the documented success answer and POSTs ${contentType}`, () =>
    withServer(async (r, n) => {
      expect(await n.send(sampleNotification(), ctx())).toEqual(expect.objectContaining({ ok: true }));
      expect(r.got[0]!.headers['content-type']).toBe(contentType);
    }));

  it('contract: 429 is retryable after Retry-After; 5xx retryable; 4xx not; no secret in errors', () =>
    withServer(async (r, n) => {
      const answers: Answer[] = [
        [429, { 'retry-after': '3' }, 'rate_limited'],
        [500, {}, 'rollup_error'],
        [400, {}, 'invalid_payload'],
      ];
      r.answers.push(...answers);
      const a = await n.send(sampleNotification(), ctx());
      const b = await n.send(sampleNotification(), ctx());
      const c = await n.send(sampleNotification(), ctx());
      expect(a).toMatchObject({ ok: false, retryable: true, retryAfterMs: 3000 });
      expect(b).toMatchObject({ ok: false, retryable: true });
      expect(c).toMatchObject({ ok: false, retryable: false });
      for (const x of [a, b, c]) if (!x.ok) noSecret(x.error);
    }));

  it('contract: a refused connection is a retryable failure without the secret, never a throw', async () => {
    const r = await localReceiver();
    const url = r.url;
    await r.close();
    const res = await make(url + SECRET_PATH).send(sampleNotification(), ctx());
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(res.retryable).toBe(true);
      noSecret(res.error);
    }
  });
}
