import type { StandardSchemaV1 } from '@standard-schema/spec';
import { ArgusError, PluginError } from './errors.js';

export type { StandardSchemaV1 } from '@standard-schema/spec';

/** One problem found in a plugin's options. */
export interface OptionIssue {
  /** Dotted path of the field, e.g. `auth.token` or `targets[2]`; `(root)` for the whole object. */
  readonly path: string;
  readonly message: string;
  /** What was given at that path, rendered short. */
  readonly given: string;
}

/**
 * Validates `input` against any Standard Schema (zod 3.24+/4, valibot, arktype) and returns the
 * output with defaults applied. Throws one `ERR_PLUGIN_OPTIONS` error naming the plugin, each field,
 * what was expected and what was given — never a raw validator dump.
 */
export function parseOptions<S extends StandardSchemaV1>(
  schema: S,
  input: unknown,
  plugin: string,
): StandardSchemaV1.InferOutput<S> {
  const result = schema['~standard'].validate(input);
  if (result instanceof Promise) {
    throw new ArgusError(
      'ERR_PIPELINE_CONFIG',
      `${plugin}: its options schema is asynchronous; use a synchronous schema`,
    );
  }
  if (result.issues) {
    const issues = result.issues.map((i) => toIssue(i, input));
    throw optionsError(plugin, issues);
  }
  return result.value;
}

/** Builds the `ERR_PLUGIN_OPTIONS` error for a list of issues (also used for YAML config errors). */
export function optionsError(
  plugin: string,
  issues: readonly OptionIssue[],
): PluginError & { issues: readonly OptionIssue[] } {
  const lines = issues.map((i) => `  - ${i.path}: ${i.message} (given: ${i.given})`);
  const err = new PluginError(
    'ERR_PLUGIN_OPTIONS',
    plugin,
    'create',
    `invalid options:\n${lines.join('\n')}`,
  ) as PluginError & { issues: readonly OptionIssue[] };
  Object.defineProperty(err, 'issues', { value: issues, enumerable: true });
  return err;
}

function toIssue(issue: StandardSchemaV1.Issue, input: unknown): OptionIssue {
  const keys = (issue.path ?? []).map((p) => (typeof p === 'object' ? p.key : p));
  return { path: formatPath(keys), message: issue.message, given: render(valueAt(input, keys)) };
}

/** Formats a path the way a user writes it: `a.b[2].c`. */
export function formatPath(keys: readonly PropertyKey[]): string {
  if (keys.length === 0) return '(root)';
  let out = '';
  for (const k of keys) {
    if (typeof k === 'number') out += `[${k}]`;
    else out += out === '' ? String(k) : `.${String(k)}`;
  }
  return out;
}

function valueAt(input: unknown, keys: readonly PropertyKey[]): unknown {
  let cur: unknown = input;
  for (const k of keys) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}

function render(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'function') return 'a function';
  let s: string;
  try {
    s = typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
  } catch {
    s = String(v);
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
