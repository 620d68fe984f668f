import type { Plugin } from '@argus/core';

/** One list item of a TS/JS config: a plugin object, or an entry naming one (as in YAML) or holding one. */
export type ConfigItem =
  | Plugin
  | {
      /** A builtin name, `"<package>#<export>"`, or a plugin object. */
      use: string | Plugin;
      /** Passed to the plugin's factory (ignored when `use` is an object). */
      options?: Record<string, unknown>;
      onStartError?: 'fail' | 'retry' | 'ignore';
      intervalMs?: number;
      jitterMs?: number;
      timeoutMs?: number;
      /** `maxBatches` counts batches; `maxItems` is its deprecated alias (removed in 2.0). */
      buffer?: { maxBatches?: number; maxItems?: number; whenFull?: 'block' | 'dropNewest' | 'dropOldest' };
      maxRetries?: number;
      concurrency?: number;
      maxQueue?: number;
    };

/** The shape of a config file (see docs/configuration.md). */
export interface ArgusConfig {
  sources: ConfigItem[];
  processors?: ConfigItem[];
  detectors?: ConfigItem[];
  alerters?: ConfigItem[];
  sinks?: ConfigItem[];
  pipeline?: {
    maxSeries?: number;
    maxHeapBytes?: number;
    chunkSize?: number;
    evaluateIntervalMs?: number;
    snapshotIntervalMs?: number;
    /** Deadline of the graceful stop on Ctrl-C/SIGTERM. @default 10000 */
    stopTimeoutMs?: number;
  };
}

/**
 * Types a TS config; returns it unchanged.
 * @example
 * // argus.config.ts
 * export default defineConfig({ sources: [{ use: 'process' }], sinks: [{ use: 'console' }] });
 */
export function defineConfig(config: ArgusConfig): ArgusConfig {
  return config;
}
