// Request parameters as Prometheus 2.42's web/api/v1 reads them: times as unix seconds (decimals allowed) or
// RFC 3339, durations as float seconds or a Prometheus duration, every failure a bad_data error naming the field.
import { parseDuration } from '../parser/duration.js';
import { ApiError } from './errors.js';

const GO_FLOAT = /^[-+]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|inf|infinity|nan)$/i;
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[-+]\d\d:\d\d)$/i;
/** Prometheus's minTime/maxTime (the defaults of series and labels), as milliseconds. */
export const MIN_TIME = -9_223_372_036_854_776;
export const MAX_TIME = 9_223_372_036_854_776;
const MIN_TIME_TEXT = '-292273086-05-16T16:47:06Z';
const MAX_TIME_TEXT = '292277025-08-18T07:12:54.999999999Z';

const invalid = (name: string, msg: string): ApiError =>
  new ApiError('bad_data', `invalid parameter ${JSON.stringify(name)}: ${msg}`);

/** A time parameter in ms; `def` when absent or empty. */
export function timeParam(p: URLSearchParams, name: string, def: number): number {
  const s = p.get(name);
  if (s === null || s === '') return def;
  if (GO_FLOAT.test(s)) {
    const secs = Number(s);
    if (Number.isFinite(secs)) {
      // as Go's math.Modf then rounding the fraction to milliseconds
      const whole = Math.trunc(secs);
      return whole * 1000 + Math.round((secs - whole) * 1000);
    }
  } else if (RFC3339.test(s)) {
    const t = Date.parse(s);
    if (!Number.isNaN(t)) return t;
  } else if (s === MIN_TIME_TEXT) return MIN_TIME;
  else if (s === MAX_TIME_TEXT) return MAX_TIME;
  throw invalid(name, `cannot parse ${JSON.stringify(s)} to a valid timestamp`);
}

/** A duration parameter in ms (float seconds or `1m30s`); undefined when absent. */
export function durationParam(p: URLSearchParams, name: string): number | undefined {
  const s = p.get(name);
  if (s === null || s === '') return undefined;
  if (GO_FLOAT.test(s)) {
    const ms = Number(s) * 1000;
    if (Math.abs(ms) > 9.2e15 || Number.isNaN(ms))
      throw invalid(name, `cannot parse ${JSON.stringify(s)} to a valid duration. It overflows int64`);
    return ms;
  }
  try {
    return parseDuration(s);
  } catch {
    throw invalid(name, `cannot parse ${JSON.stringify(s)} to a valid duration`);
  }
}
