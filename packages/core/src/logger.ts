/** Structured logger handed to plugins (`ctx.log`). pino and console both fit it. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

type Level = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** A logger writing one line per message to stderr, from `level` up. @default level 'warn' */
export function consoleLogger(level: Level = 'warn', bindings: Record<string, unknown> = {}): Logger {
  const min = ORDER[level];
  const write = (l: Exclude<Level, 'silent'>, msg: string, fields?: Record<string, unknown>): void => {
    if (ORDER[l] < min) return;
    const extra = { ...bindings, ...fields };
    const tail = Object.keys(extra).length > 0 ? ` ${safeJson(extra)}` : '';
    process.stderr.write(`argus ${l}: ${msg}${tail}\n`);
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}

/** A logger that drops everything. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Returns a logger that adds `fields` to every message of `parent`. */
export function childLogger(parent: Logger, fields: Record<string, unknown>): Logger {
  return {
    debug: (m, f) => parent.debug(m, { ...fields, ...f }),
    info: (m, f) => parent.info(m, { ...fields, ...f }),
    warn: (m, f) => parent.warn(m, { ...fields, ...f }),
    error: (m, f) => parent.error(m, { ...fields, ...f }),
  };
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x) => (x instanceof Error ? x.message : x));
  } catch {
    return '[unserialisable]';
  }
}
