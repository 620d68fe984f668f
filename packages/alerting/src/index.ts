export type { BacktestOptions, BacktestTransition } from './backtest.js';
export { backtest } from './backtest.js';
export { parseDuration } from './duration.js';
export type { ConfigProblem } from './manager/am-check.js';
export type { AlertmanagerConfigCheck, CheckAlertmanagerConfigOptions } from './manager/am-config.js';
export { checkAlertmanagerConfig } from './manager/am-config.js';
export { glob, loadTemplateFiles } from './manager/am-template-files.js';
export type { TemplateFile } from './manager/am-template-funcs.js';
export { alertmanagerFuncs } from './manager/am-template-funcs.js';
export type { IntegrationFactory, LoadAlertmanagerConfigOptions } from './manager/am-yaml.js';
export { loadAlertmanagerConfig } from './manager/am-yaml.js';
export type { AlertManagerConfig, InhibitRuleConfig, ReceiverConfig, RouteConfig } from './manager/config.js';
export type { NotifierDefinition } from './manager/define-notifier.js';
export { defineNotifier } from './manager/define-notifier.js';
export type { DeadLetter, DeliveryOptions } from './manager/delivery.js';
export type { AlertHistoryQuery, HistoryEntry, HistoryEvent, HistoryQuery } from './manager/history.js';
export { HISTORY_EVENTS } from './manager/history.js';
export type { PostJsonOptions, PostResult } from './manager/http.js';
export { postJson, redactUrl, retryAfterMs } from './manager/http.js';
export type {
  HttpClient,
  HttpClientConfig,
  HttpOAuth2Config,
  HttpTlsConfig,
  TlsConnectOptions,
} from './manager/http-client.js';
export {
  createHttpClient,
  httpClientConfigFromAlertmanager,
  tlsConnectOptions,
  tlsFromAlertmanager,
} from './manager/http-client.js';
export type {
  InvestigationInput,
  InvestigationOptions,
  InvestigationStats,
  Investigator,
} from './manager/investigation.js';
export { createAlertManager } from './manager/manager.js';
export type {
  LegacyNotifier,
  Notification,
  NotificationReason,
  NotifiedAlert,
  Notifier,
  NotifyContext,
  NotifyResult,
} from './manager/model.js';
export type { Silence, SilenceInput } from './manager/silences.js';
export type { TimeRangeSpec } from './manager/time-intervals.js';
export type {
  AlertManager,
  AlertManagerEvents,
  AlertManagerOptions,
  AlertManagerStopOptions,
  AlertView,
  FlapOptions,
  GroupView,
  SilenceView,
} from './manager/types.js';
export type { WebhookNotifierOptions, WebhookPayload } from './manager/webhook.js';
export { webhookNotifier, webhookPayload } from './manager/webhook.js';
export { withHttpClient } from './manager/with-http-client.js';
export type { AbsentRuleOptions, SourceDownRuleOptions } from './rules/absent.js';
export { absentRule, sourceDownRule } from './rules/absent.js';
export type { AnomalyRuleOptions } from './rules/anomaly.js';
export { anomalyRule } from './rules/anomaly.js';
export { type CheckRuleFileOptions, checkRuleFile, type RuleFileCheck } from './rules/check/check.js';
export {
  formatRuleProblem,
  type RulePosition,
  type RuleProblem,
  type RuleProblemCode,
} from './rules/check/problem.js';
export type { CompareOp, RuleBaseOptions } from './rules/common.js';
export type { ExternalAlertsOptions } from './rules/events.js';
export { externalAlerts } from './rules/events.js';
export type {
  EvaluatedRangeSeries,
  ExpressionEvaluator,
  RangeSeries,
  SimpleComparison,
  VectorSample,
} from './rules/expr.js';
export { parseSimpleComparison } from './rules/expr.js';
export type { LoadRuleFileOptions } from './rules/file.js';
export { loadRuleFile } from './rules/file.js';
export type { GroupOutput, ProducedSample, SampleAppender } from './rules/group-eval.js';
export type { RuleFileText, RuleGroups, RuleGroupsOptions } from './rules/groups.js';
export { ruleGroups } from './rules/groups.js';
export type { ApiAlert, ApiRuleGroup } from './rules/groups-api.js';
export type { PredictiveRuleOptions, PredictiveVerdictPolicy } from './rules/predictive.js';
export { predictiveRule } from './rules/predictive.js';
export type { PromqlEvaluatorOptions } from './rules/promql-evaluator.js';
export { promqlEvaluator } from './rules/promql-evaluator.js';
export type { EvaluatedRuleOptions } from './rules/remote.js';
export { evaluatedRule } from './rules/remote.js';
export {
  engineTemplateQuery,
  evaluatorTemplateQuery,
  type TemplateQueryOptions,
} from './rules/template-query.js';
export type { ThresholdRuleOptions } from './rules/threshold.js';
export { thresholdRule } from './rules/threshold.js';
export type { RuleSpec, TrackedAlert } from './rules/tracker.js';
export type { SloRule, SloRuleGroup } from './slo/generate.js';
export { errorRatioName, sloRuleFile, sloRuleGroups } from './slo/generate.js';
export { parseSloFile } from './slo/spec.js';
export type {
  EventsSliInput,
  LatencySliInput,
  SeverityInput,
  Slo,
  SloFile,
  SloFileInput,
  SloInput,
} from './slo/types.js';
export type { BurnWindow } from './slo/windows.js';
export { BURN_WINDOWS, burnRate } from './slo/windows.js';
export type { Template, TemplateData } from './template.js';
export { type CompileTemplateOptions, compileTemplate, formatValue } from './template.js';
