export { ApiError } from './api/errors.js';
export type { ApiRequest, ApiResponse, MetadataMap, PromApi, PromApiOptions } from './api/handler.js';
export { createPromApi } from './api/handler.js';
export { nodeHandler } from './api/node.js';
export type {
  Engine,
  EngineOptions,
  InstantSample,
  QueryOptions,
  QueryResult,
  RangeSeriesResult,
} from './engine/query.js';
export { createEngine } from './engine/query.js';
export { makeMatcher, matchesAll } from './matchers.js';
export type { MemorySeries } from './memory.js';
export { memoryQueryable } from './memory.js';
export type {
  Aggregate,
  AtModifier,
  Binary,
  Call,
  Expr,
  Matcher,
  MatrixSelector,
  NumberLiteral,
  Paren,
  StringLiteral,
  Subquery,
  Unary,
  ValueType,
  VectorMatching,
  VectorSelector,
} from './parser/ast.js';
export { parseDuration } from './parser/duration.js';
export { PromQLEvalError, PromQLParseError } from './parser/errors.js';
export { parseExpr } from './parser/parse.js';
export { formatDuration, formatExpr } from './parser/print.js';
export type { Labels, Queryable, SelectOptions, StoredSeries } from './queryable.js';
export { isStaleNaN, STALE_NAN } from './queryable.js';
export type { StoreMatcher, StoreQueryableOptions, StoreReader } from './store-queryable.js';
export { storeQueryable } from './store-queryable.js';
export type { Scheduler } from './time-slice.js';
export { timeSlices } from './time-slice.js';
