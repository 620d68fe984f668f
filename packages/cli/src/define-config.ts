import type {
  Alerter,
  Detector,
  DetectorSettings,
  Plugin,
  Processor,
  ProcessorSettings,
  Sink,
  SinkSettings,
  Source,
  SourceSettings,
} from '@argus/core';
import type { FilePipelineSettings } from './config/schema.js';

/** An entry naming a plugin (as in YAML) or holding one, with the runtime settings of its kind (from core). */
export type Entry<P extends Plugin, Settings> = Settings & {
  /** A builtin name, `"<package>#<export>"`, a relative path `"./file.js#export"`, or a plugin object. */
  use: string | P;
  /** Passed to the plugin's factory (ignored when `use` is an object). */
  options?: Record<string, unknown>;
};

/** One list item of a TS/JS config: a plugin object, or an entry. */
export type ConfigItem<P extends Plugin = Plugin, Settings = ProcessorSettings> = P | Entry<P, Settings>;

/** The shape of a config file (see docs/configuration.md). */
export interface ArgusConfig {
  sources: ConfigItem<Source, SourceSettings>[];
  processors?: ConfigItem<Processor>[];
  detectors?: ConfigItem<Detector, DetectorSettings>[];
  alerters?: ConfigItem<Alerter>[];
  sinks?: ConfigItem<Sink, SinkSettings>[];
  /** Core's pipeline settings, plus `stopTimeoutMs` and `dataDir`. */
  pipeline?: FilePipelineSettings;
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
