import { describe, it } from 'vitest';
import { settle } from '../clock.js';

/** One contract case: a name and a body that throws (via `expect`) when the plugin breaks the contract. */
export interface ContractCheck {
  readonly name: string;
  run(): Promise<void>;
}

/** Options every contract suite takes. */
export interface SuiteOptions<C> {
  /** Shown in the `describe` title, e.g. the package name. */
  title?: string;
  /** A thunk that calls the factory with bad options; it must throw `ERR_PLUGIN_OPTIONS` naming the plugin. */
  badOptions?: () => unknown;
  /** The name `ERR_PLUGIN_OPTIONS` must carry. @default the name of the plugin the factory returns */
  optionsErrorPlugin?: string;
  /** Per-case timeout in ms. @default 15000 */
  timeoutMs?: number;
  /** Registers more `it` cases inside the suite's `describe`. */
  additionalTests?: (ctx: C) => void;
}

function describeReason(reason: unknown): string {
  if (reason instanceof Error) return reason.stack ?? reason.message;
  return String(reason);
}

/**
 * Runs `fn` and fails if any promise rejection goes unhandled meanwhile (or one turn after). For the duration
 * the other `unhandledRejection` listeners are set aside, so the failure is blamed on this case alone.
 */
export async function withRejectionGuard<T>(fn: () => Promise<T>): Promise<T> {
  const seen: unknown[] = [];
  const others = process.listeners('unhandledRejection');
  process.removeAllListeners('unhandledRejection');
  const onRejection = (reason: unknown): void => void seen.push(reason);
  process.on('unhandledRejection', onRejection);
  let result: T;
  try {
    result = await fn();
    // rejections are reported after the microtask queue drains; give them two turns to show up
    await settle();
    await settle();
  } finally {
    process.off('unhandledRejection', onRejection);
    for (const l of others) process.on('unhandledRejection', l as (r: unknown) => void);
  }
  if (seen.length > 0) {
    throw new Error(
      `${seen.length} promise rejection(s) went unhandled during the case; a plugin must never leak one. First:\n${describeReason(seen[0])}`,
      { cause: seen[0] },
    );
  }
  return result;
}

/** Runs one check under the unhandled-rejection guard. Meta-tests call this to prove a check catches a bug. */
export function runCheck(check: ContractCheck): Promise<void> {
  return withRejectionGuard(() => check.run());
}

/** Rejects with `message` when `work` has not settled within `ms` (real time); otherwise settles like it. */
export function within<T>(work: Promise<T> | T, ms: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(message)), ms);
    Promise.resolve(work).then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

/** Registers `checks` as `it` cases in a `describe` block, then the caller's additional tests. */
export function registerSuite<C>(
  kind: string,
  checks: readonly ContractCheck[],
  options: SuiteOptions<C>,
  ctx: C,
): void {
  describe(`${kind} contract${options.title ? `: ${options.title}` : ''}`, () => {
    for (const check of checks) it(check.name, () => runCheck(check), options.timeoutMs ?? 15_000);
    options.additionalTests?.(ctx);
  });
}
