import { type Hook, PluginError } from '@argus/core';
import type { TokenCredential } from '@azure/core-auth';

/** What an Azure request failed with, reduced to what is safe to log (no request, headers or token). */
export interface AzureFailure {
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly message: string;
  readonly timedOut: boolean;
  readonly retryable: boolean;
}

/** The parts of an ARM resource id. */
export interface ResourceIdParts {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  /** Provider and type, e.g. `Microsoft.Compute/virtualMachines`. */
  readonly resourceType: string;
  readonly resourceName: string;
}

const RESOURCE_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/([^/]+)\/(.+)$/i;

/** Splits an ARM resource id; `undefined` when it is not one. Nested types (`a/b/c/d`) keep every type segment. */
export function parseResourceId(id: string): ResourceIdParts | undefined {
  const m = RESOURCE_ID.exec(id);
  if (!m) return undefined;
  const rest = m[4]!.split('/');
  if (rest.length < 2 || rest.length % 2 !== 0) return undefined;
  const types = rest.filter((_, i) => i % 2 === 0);
  return {
    subscriptionId: m[1]!,
    resourceGroup: m[2]!,
    resourceType: `${m[3]!}/${types.join('/')}`,
    resourceName: rest[rest.length - 1]!,
  };
}

/** A Prometheus-safe label or metric name part: lower case, `[a-z0-9_]`, never starting with a digit. */
export function snake(s: string): string {
  const out = s
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .replace(/_+/g, '_');
  return /^[0-9]/.test(out) ? `_${out}` : out || '_';
}

/** Reduces anything an SDK call threw to an {@link AzureFailure}. */
export function failureOf(err: unknown, timedOut = false): AzureFailure {
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    statusCode?: unknown;
    code?: unknown;
    message?: unknown;
  };
  const status = typeof e.statusCode === 'number' ? e.statusCode : undefined;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const message = timedOut ? 'request timed out' : typeof e.message === 'string' ? e.message : String(err);
  const retryable = timedOut || status === undefined || status === 408 || status === 429 || status >= 500;
  return { status, code, message: firstLine(message), timedOut, retryable };
}

function firstLine(s: string): string {
  const line = s.split('\n')[0] ?? s;
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

/** Turns a failure into the plugin error the runtime reports; the SDK error is not attached (it carries the request). */
export function failureError(plugin: string, hook: Hook, what: string, f: AzureFailure): PluginError {
  const status = f.status === undefined ? '' : ` (HTTP ${f.status}${f.code ? ` ${f.code}` : ''})`;
  const hint =
    f.status === 403
      ? '; grant the identity Monitoring Reader (metrics) or Log Analytics Reader (logs)'
      : f.status === 429 || f.status === 529
        ? '; throttled after the SDK retries: lengthen intervalMs or query fewer resources'
        : f.timedOut
          ? '; raise requestTimeoutMs or narrow the query'
          : '';
  const code = f.status === undefined || f.timedOut ? 'ERR_UNREACHABLE' : 'ERR_PLUGIN_FAILED';
  return new PluginError(code, plugin, hook, `${what} failed${status}: ${f.message}${hint}`, {
    retryable: f.retryable,
  });
}

/** Client options every Azure source passes to the SDK (retry policy), plus what {@link AzureDeps} adds. */
export function sdkOptions(
  o: { maxRetries: number; retryDelayMs: number },
  deps: AzureDeps,
): Record<string, unknown> {
  return {
    retryOptions: { maxRetries: o.maxRetries, retryDelayInMs: o.retryDelayMs },
    ...(deps.clientOptions ?? {}),
  };
}

/** Injected dependencies of the Azure sources: for tests, private endpoints and credentials built in code. */
export interface AzureDeps {
  /** Used instead of the `auth` option, e.g. a credential your service already holds. */
  readonly credential?: TokenCredential;
  /**
   * Extra options for every SDK client (`tlsOptions: { ca }` to trust a private CA, `httpClient`, `proxyOptions`, …).
   * Passed through as they are.
   */
  readonly clientOptions?: Readonly<Record<string, unknown>>;
}

/**
 * Runs one SDK call under `signal` plus a per-request timeout. A 401 means the cached token is no longer
 * accepted (expired early, revoked, rotated): `refresh` drops the client, whose pipeline caches the token,
 * and the call is tried once more with a fresh token.
 */
export async function call<C, T>(
  holder: { get(): C; refresh(): void },
  signal: AbortSignal,
  timeoutMs: number,
  fn: (client: C, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const timeout = AbortSignal.timeout(timeoutMs);
    const both = AbortSignal.any([signal, timeout]);
    try {
      return await fn(holder.get(), both);
    } catch (err) {
      if (timeout.aborted && !signal.aborted) throw failureOf(err, true);
      const f = failureOf(err);
      if (f.status === 401 && attempt === 0) {
        holder.refresh();
        continue;
      }
      throw f;
    }
  }
}

/** Whether `x` is an {@link AzureFailure} thrown by {@link call}. */
export function isFailure(x: unknown): x is AzureFailure {
  return typeof x === 'object' && x !== null && 'retryable' in x && 'timedOut' in x && !(x instanceof Error);
}

/** Lazily built SDK client that {@link call} can drop after a 401. */
export function clientHolder<C>(make: () => C): { get(): C; refresh(): void } {
  let client: C | undefined;
  return {
    get: () => {
      client ??= make();
      return client;
    },
    refresh: () => {
      client = undefined;
    },
  };
}
