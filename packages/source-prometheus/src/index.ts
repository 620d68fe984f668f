export type {
  PrometheusAuth,
  PrometheusClient,
  PrometheusClientOptions,
  QueryResult,
  QuerySeries,
} from './api/client.js';
export { createPrometheusClient, PrometheusApiError } from './api/client.js';
export type { EvaluatedSample, PrometheusEvaluator } from './api/evaluator.js';
export { prometheusEvaluator } from './api/evaluator.js';
export type {
  HistoryLatestSample,
  HistoryRangeQuery,
  HistoryRangeSeries,
  HistorySelector,
  PrometheusHistory,
  PrometheusHistoryOptions,
} from './api/history.js';
export { prometheusHistory, selectorText } from './api/history.js';
export type { TlsOptions } from './api/http.js';
export type { ParsedPrometheusOptions, PrometheusSourceOptions, QueryInput } from './api/options.js';
export { prometheusSourceSchema } from './api/options.js';
export { prometheusSource } from './api/source.js';
export type { ExpositionErrorCode } from './errors.js';
export { ExpositionError } from './errors.js';
export type { ArgusExporter, ArgusExporterOptions, ExportablePipeline } from './exporter/exporter.js';
export { argusExporter, metricsHandler } from './exporter/exporter.js';
export type {
  ExpositionFormat,
  ExpositionLimits,
  FamilyMetadata,
  MetricType,
  ParsedExposition,
  ParsedSample,
  ParseExpositionOptions,
} from './parse.js';
export { formatOf, parseExposition } from './parse.js';
export type {
  MetricsJsonRegistry,
  ParsedRegistryOptions,
  RegistryMetric,
  RegistrySourceOptions,
} from './registry/source.js';
export { registrySource } from './registry/source.js';
export type { ParsedScrapeOptions, ScrapeLimits, ScrapeSourceOptions } from './scrape/options.js';
export { scrapeSourceSchema } from './scrape/options.js';
export { scrapeSource } from './scrape/source.js';
export type { TargetInput } from './scrape/targets.js';
export type { ScrapeParseResult, ScrapeParser, ScrapeParserOptions } from './scrape-parser.js';
export { createScrapeParser } from './scrape-parser.js';
