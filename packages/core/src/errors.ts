/** Error codes; callers test `err.code`, never `instanceof` (two copies of core break instanceof). */
export type ErrorCode =
  | 'ERR_PLUGIN_OPTIONS'
  | 'ERR_PLUGIN_API_VERSION'
  | 'ERR_PLUGIN_INVALID'
  | 'ERR_PLUGIN_TIMEOUT'
  | 'ERR_PLUGIN_START'
  | 'ERR_PLUGIN_STOP'
  | 'ERR_PLUGIN_FAILED'
  | 'ERR_SINK_WRITE'
  | 'ERR_UNREACHABLE'
  | 'ERR_PIPELINE_CONFIG'
  | 'ERR_PIPELINE_STATE'
  | 'ERR_SERIES_LIMIT'
  | 'ERR_MEMORY_LIMIT'
  | 'ERR_STATE_STORE'
  | 'ERR_BUFFER_FULL'
  /** A public function was called with a bad argument; the message names the function and the field. */
  | 'ERR_INVALID_ARGUMENT'
  /** Data on disk was written in a format version this release cannot read; the message names both versions. */
  | 'ERR_FORMAT_VERSION';

/** The hook of a plugin that an error came from. */
export type Hook =
  | 'create'
  | 'start'
  | 'stop'
  | 'poll'
  | 'readRange'
  | 'listen'
  | 'process'
  | 'flush'
  | 'detect'
  | 'judge'
  | 'snapshot'
  | 'restore'
  | 'evaluate'
  | 'write'
  | 'close'
  | 'healthcheck'
  | 'listener';

/** An error at a plugin boundary: carries a code, the plugin's name and the hook. */
export class PluginError extends Error {
  override readonly name = 'PluginError';
  readonly code: ErrorCode;
  readonly plugin: string;
  readonly hook: Hook;
  /** Whether trying again may succeed (network errors, 5xx, 429). */
  readonly retryable: boolean;
  /** The message without the `[plugin:hook]` prefix (for re-wrapping without repeating it). */
  readonly detail: string;

  constructor(
    code: ErrorCode,
    plugin: string,
    hook: Hook,
    message: string,
    options: { cause?: unknown; retryable?: boolean } = {},
  ) {
    super(
      `[${plugin}:${hook}] ${message}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.code = code;
    this.plugin = plugin;
    this.hook = hook;
    this.retryable = options.retryable ?? false;
    this.detail = message;
  }
}

/** An error in the user's pipeline configuration or use of the runtime. */
export class ArgusError extends Error {
  override readonly name = 'ArgusError';
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Wraps anything thrown by a plugin into a {@link PluginError} naming it (keeps an existing PluginError). */
export function toPluginError(
  err: unknown,
  plugin: string,
  hook: Hook,
  code: ErrorCode = 'ERR_PLUGIN_FAILED',
): PluginError {
  if (isPluginError(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  const retryable =
    typeof err === 'object' && err !== null && (err as { retryable?: unknown }).retryable === true;
  return new PluginError(code, plugin, hook, message, { cause: err, retryable });
}

/** Structural check, so errors from another copy of core are recognised. */
export function isPluginError(err: unknown): err is PluginError {
  return (
    typeof err === 'object' &&
    err !== null &&
    (err as { name?: unknown }).name === 'PluginError' &&
    typeof (err as { code?: unknown }).code === 'string' &&
    typeof (err as { plugin?: unknown }).plugin === 'string'
  );
}
