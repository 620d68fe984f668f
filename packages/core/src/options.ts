import type { StandardSchemaV1 } from '@standard-schema/spec';
import { ArgusError, PluginError } from './errors.js';
import { knownKeys } from './option-keys.js';
import { didYouMean } from './suggest.js';

export type { StandardSchemaV1 } from '@standard-schema/spec';

/** One problem found in a plugin's options. */
export interface OptionIssue {
  /** Dotted path of the field, e.g. `auth.token` or `targets[2]`; `(root)` for the whole object. */
  readonly path: string;
  /** The same path as keys, e.g. `['targets', 2]` (set by {@link checkOptions}). */
  readonly keys?: readonly (string | number)[];
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
  const result = checkOptions(schema, input, plugin);
  if ('issues' in result) throw optionsError(plugin, result.issues);
  return result.value;
}

/**
 * Like {@link parseOptions}, but returns every problem instead of throwing (for tools that report all problems
 * of a file at once). A missing field says `required`; an unknown field (under a strict schema) names the
 * closest known field and the allowed ones.
 */
export function checkOptions<S extends StandardSchemaV1>(
  schema: S,
  input: unknown,
  plugin: string,
): { value: StandardSchemaV1.InferOutput<S> } | { issues: OptionIssue[] } {
  const result = schema['~standard'].validate(input);
  if (result instanceof Promise) {
    throw new ArgusError(
      'ERR_PIPELINE_CONFIG',
      `${plugin}: its options schema is asynchronous; use a synchronous schema`,
    );
  }
  if (result.issues) return { issues: result.issues.flatMap((i) => toIssues(i, input, schema)) };
  return { value: result.value };
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

// zod's issue for unknown keys carries them in `keys`; other validators report one issue per key
interface UnknownKeysIssue extends StandardSchemaV1.Issue {
  readonly code: 'unrecognized_keys';
  readonly keys: readonly string[];
}

function isUnknownKeys(issue: StandardSchemaV1.Issue): issue is UnknownKeysIssue {
  const i = issue as Partial<UnknownKeysIssue>;
  return i.code === 'unrecognized_keys' && Array.isArray(i.keys);
}

function toIssues(issue: StandardSchemaV1.Issue, input: unknown, schema: unknown): OptionIssue[] {
  const keys = (issue.path ?? []).map((p) => (typeof p === 'object' ? p.key : p)).filter(isKey);
  if (isUnknownKeys(issue)) {
    const known = knownKeys(schema, keys) ?? [];
    return issue.keys.map((k) => make([...keys, k], unknownField(k, known), input));
  }
  // zod prefixes type errors with "Invalid input: ", which says nothing the rest does not
  const message = issue.message.replace(/^Invalid input: (?=.)/, '');
  const missing = valueAt(input, keys) === undefined && isTypeIssue(issue);
  return [make(keys, missing ? required(issue.message) : message, input)];
}

// a type or union mismatch on a missing value means the field is required; a refinement's own message is kept
function isTypeIssue(issue: StandardSchemaV1.Issue): boolean {
  const code = (issue as { code?: unknown }).code;
  if (typeof code === 'string') return code === 'invalid_type' || code === 'invalid_union';
  return issue.message.startsWith('Invalid input');
}

function isKey(k: PropertyKey): k is string | number {
  return typeof k !== 'symbol';
}

function make(keys: (string | number)[], message: string, input: unknown): OptionIssue {
  return { path: formatPath(keys), keys, message, given: render(valueAt(input, keys)) };
}

function unknownField(key: string, known: readonly string[]): string {
  if (known.length === 0) return 'unknown field; remove it';
  const guess = didYouMean(key, known);
  const hint = guess ? `did you mean "${guess}"? ` : '';
  return `unknown field; ${hint}known fields: ${known.join(', ')}`;
}

// zod says "Invalid input: expected number, received undefined" for a missing field; a schema's own message
// for the type (`error: '…'`) is kept as the hint
function required(message: string): string {
  const expected = /expected ([^,]+), received undefined/.exec(message)?.[1];
  if (expected) return `required (expected ${expected})`;
  return message.startsWith('Invalid input') ? 'required' : `required (${message})`;
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
