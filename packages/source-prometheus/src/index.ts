export type { ExpositionErrorCode } from './errors.js';
export { ExpositionError } from './errors.js';
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
export type { ParsedScrapeOptions, ScrapeLimits, ScrapeSourceOptions } from './scrape/options.js';
export { scrapeSourceSchema } from './scrape/options.js';
export { scrapeSource } from './scrape/source.js';
export type { TargetInput } from './scrape/targets.js';
export type { ScrapeParseResult, ScrapeParser, ScrapeParserOptions } from './scrape-parser.js';
export { createScrapeParser } from './scrape-parser.js';
