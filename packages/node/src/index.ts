export { consoleNotifier } from './console.js';
export type { DeriveSeriesOptions } from './derive.js';
export { deriveSeries, ERROR_RATIO_METRIC } from './derive.js';
export type {
  DefaultRuleOptions,
  DefaultRules,
  NotifyOptions,
  RuleToggle,
  StartArgusOptions,
} from './options.js';
export { startArgusSchema } from './options.js';
export type { DefaultRulesContext } from './rules.js';
export { DEFAULT_WATCH_SELECTOR, defaultRules } from './rules.js';
export type { ArgusEvents, ArgusHandle } from './start.js';
export { startArgus } from './start.js';
export type { WarmupStatus } from './warmup.js';
export { watchOnly } from './watch.js';
