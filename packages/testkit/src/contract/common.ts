import { API_VERSION, createPipeline, type Plugin, type PluginKind, silentLogger } from '@argus/core';
import { expect } from 'vitest';
import { testContext } from '../context.js';
import { type ContractCheck, within } from './check.js';
import { type Harness, harness } from './harness.js';

/** How long a hook may take after its signal aborted before the case calls it a hang. */
export const GRACE_MS = 2_000;

const NAME = /^[A-Za-z0-9_.:/-]{1,100}$/;

/** Optional hooks a suite knows about, per kind; a capability is declared iff the hook is present. */
export const CAPABILITY_HOOKS: Record<PluginKind, readonly string[]> = {
  source: ['poll', 'listen', 'readRange', 'healthcheck'],
  processor: ['flush', 'snapshot', 'healthcheck'],
  detector: ['snapshot', 'judge', 'healthcheck'],
  alerter: ['snapshot', 'healthcheck'],
  sink: ['flush', 'healthcheck'],
};

/** Calls the factory and checks the kind, for use at the top of every case. */
export function make<P extends Plugin>(kind: PluginKind, factory: () => P): P {
  const plugin = factory();
  expect(plugin, 'the factory must return a plugin object').toBeTypeOf('object');
  expect(plugin.kind, 'plugin.kind').toBe(kind);
  return plugin;
}

/** Shape: kind, name, apiVersion, accepted by createPipeline, declared capabilities match the hooks. */
export function shapeCheck(
  kind: PluginKind,
  factory: () => Plugin,
  capabilities: Readonly<Record<string, boolean | undefined>>,
): ContractCheck {
  return {
    name: `has kind '${kind}', a valid name, apiVersion ${API_VERSION}, and the hooks its capabilities declare`,
    async run() {
      const p = make(kind, factory);
      expect(p.name, 'plugin.name').toMatch(NAME);
      expect(p.apiVersion, 'plugin.apiVersion').toBe(API_VERSION);
      expect(() => createPipeline({ logger: silentLogger, [`${kind}s`]: [p] })).not.toThrow();
      const hooks = p as unknown as Record<string, unknown>;
      for (const cap of CAPABILITY_HOOKS[kind]) {
        const has = typeof hooks[cap] === 'function';
        const declared = capabilities[cap] === true;
        if (has !== declared) {
          throw new Error(
            has
              ? `${p.name} has ${cap}() but capabilities.${cap} is not true: declare it so the suite runs its cases`
              : `capabilities.${cap} is true but ${p.name} has no ${cap}()`,
          );
        }
      }
      if (typeof hooks['snapshot'] === 'function') {
        expect(typeof hooks['restore'], `${p.name} has snapshot() so it needs restore()`).toBe('function');
      }
    },
  };
}

/** Bad options throw `ERR_PLUGIN_OPTIONS` from the factory, naming the plugin. */
export function badOptionsCheck(
  kind: PluginKind,
  factory: () => Plugin,
  badOptions: () => unknown,
  expectedPlugin: string | undefined,
): ContractCheck {
  return {
    name: 'rejects bad options with ERR_PLUGIN_OPTIONS naming the plugin',
    async run() {
      let thrown: unknown;
      try {
        badOptions();
      } catch (err) {
        thrown = err;
      }
      expect(thrown, 'badOptions() must throw').toBeDefined();
      const err = thrown as { code?: unknown; plugin?: unknown; message?: unknown };
      expect(err.code, `error code (message: ${String(err.message)})`).toBe('ERR_PLUGIN_OPTIONS');
      const name = expectedPlugin ?? make(kind, factory).name;
      expect(err.plugin, 'error.plugin').toBe(name);
      expect(String(err.message), 'the message names the plugin').toContain(name);
    },
  };
}

/** Builds the harness for a plugin of any kind (sources go in alone). */
export type HarnessFor<P> = (plugin: P) => Harness;

/** start → stop → stop: one promise for concurrent stops, no errors, and the plugin's own stop tolerates a 2nd call. */
export function lifecycleCheck<P extends Plugin>(
  kind: PluginKind,
  factory: () => P,
  build: HarnessFor<P> = (p) => harness(p),
): ContractCheck {
  return {
    name: 'start → stop → stop is idempotent (same promise, no errors, a second stop() does not throw)',
    async run() {
      const plugin = make(kind, factory);
      const h = build(plugin);
      await h.pipeline.start({ startTimeoutMs: 10_000 });
      const first = h.pipeline.stop({ timeoutMs: 10_000 });
      const second = h.pipeline.stop({ timeoutMs: 10_000 });
      expect(second, 'pipeline.stop() hands concurrent callers the same promise').toBe(first);
      await first;
      expect(h.pipeline.status).toBe('stopped');
      expect(h.tally.errors.map((e) => e.message)).toEqual([]);
      if (plugin.stop) {
        const ctx = testContext({ series: h.pipeline.series });
        await within(plugin.stop(ctx), GRACE_MS, `${plugin.name}: a second stop() did not settle`);
      }
    },
  };
}

/** `stop` under a deadline that passes settles promptly instead of hanging. */
export function deadlineCheck<P extends Plugin>(kind: PluginKind, factory: () => P): ContractCheck {
  return {
    name: 'stop() respects its deadline signal',
    async run() {
      const plugin = make(kind, factory);
      const startCtx = testContext();
      await within(plugin.start?.(startCtx), 10_000, `${plugin.name}: start() did not settle`);
      const ctl = new AbortController();
      const ctx = testContext({ signal: ctl.signal, deadline: Date.now() + 10, series: startCtx.series });
      const stopping = Promise.resolve(plugin.stop?.(ctx)).catch(() => undefined);
      setTimeout(() => ctl.abort(new DOMException('deadline passed', 'TimeoutError')), 10);
      await within(
        stopping,
        GRACE_MS,
        `${plugin.name}: stop() did not settle within ${GRACE_MS} ms after its signal aborted`,
      );
    },
  };
}

/** `healthcheck()` returns a valid status through `pipeline.validate()` (a dry run: nothing starts). */
export function healthCheck<P extends Plugin>(
  kind: PluginKind,
  factory: () => P,
  build: HarnessFor<P> = (p) => harness(p),
): ContractCheck {
  return {
    name: 'healthcheck() returns ok, degraded or down',
    async run() {
      const plugin = make(kind, factory);
      const h = build(plugin);
      const health = await h.pipeline.validate({ timeoutMs: 5_000 });
      expect(['ok', 'degraded', 'down']).toContain(health[plugin.name]?.status);
    },
  };
}
