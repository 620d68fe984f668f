import { z } from 'zod';

/** Drops every `maxLength` in a JSON schema, at any depth. */
function withoutMaxLength(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutMaxLength);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v)
      .filter(([k]) => k !== 'maxLength')
      .map(([k, x]) => [k, withoutMaxLength(x)]),
  );
}

/**
 * The JSON schema sent as `format` for answers of `schema`. Left out: `$schema` (not every server version is
 * known to ignore it) and string `maxLength`s: llama.cpp's schema-to-grammar converter spells a maxLength of
 * 2000 as 2000 repetitions and its grammar parser refuses that ("exceeds sane defaults", seen with
 * node-llama-cpp 3.21.1), so lengths are bounded by `num_predict` and checked by zod after parsing.
 */
export function formatOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema) as Record<string, unknown>;
  return withoutMaxLength(rest) as Record<string, unknown>;
}
