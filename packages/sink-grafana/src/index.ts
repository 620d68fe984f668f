export type {
  GrafanaAlertRule,
  GrafanaAlertRulesExport,
  GrafanaAlertRulesFile,
} from './alert-rules/build.js';
export { alertRulesFile, grafanaAlertRules } from './alert-rules/build.js';
export type {
  AbsentRuleSpec,
  GrafanaAlertRulesOptions,
  PromRule,
  PromRuleFile,
  ThresholdRuleSpec,
} from './alert-rules/input.js';
export type { AlertQuery } from './alert-rules/queries.js';
export type { DashboardGroup, DashboardModel, DashboardsInput } from './dashboards/build.js';
export { buildDashboards, dashboardUid } from './dashboards/build.js';
export type { ProvisioningFile, ProvisioningOptions } from './dashboards/provisioning.js';
export { provisioningFiles } from './dashboards/provisioning.js';
export type { PushDashboardsOptions, PushedDashboard } from './dashboards/push.js';
export { pushDashboards } from './dashboards/push.js';
export { checkDashboard } from './dashboards/validate.js';
export type { GrafanaSinkOptions } from './schema.js';
export { grafanaSinkSchema } from './schema.js';
export { grafanaSink } from './sink.js';
