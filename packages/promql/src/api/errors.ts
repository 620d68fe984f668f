// Prometheus's API error types and the HTTP status 2.42 answers each with.
import { PromQLEvalError, PromQLParseError } from '../parser/errors.js';

export type ErrorType = 'bad_data' | 'execution' | 'timeout' | 'canceled' | 'internal' | 'not_found';

const STATUS: Record<ErrorType, number> = {
  bad_data: 400,
  execution: 422,
  timeout: 503,
  canceled: 503, // 2.42; 499 from 2.45 on
  internal: 500,
  not_found: 404,
};

/** An error answered with Prometheus's envelope: `{"status":"error","errorType":…,"error":…}`. */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly type: ErrorType,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = STATUS[type];
  }
}

/** The API error for an engine failure: parse errors are bad data in `query`, the rest as Prometheus maps them. */
export function queryError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof PromQLParseError)
    return new ApiError('bad_data', `invalid parameter "query": ${err.message}`);
  if (err instanceof PromQLEvalError) {
    if (err.code !== 'ERR_PROMQL_ABORTED') return new ApiError('execution', err.message);
    return err.message.startsWith('query timed out')
      ? new ApiError('timeout', err.message)
      : new ApiError('canceled', 'query was canceled in query execution');
  }
  return new ApiError('internal', err instanceof Error ? err.message : String(err));
}
