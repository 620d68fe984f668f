// What the Alertmanager receivers share: the template set option, secrets read from files at send time, rune
// truncation, and the rule that a failure before the request (template, secret file) is permanent.
import { readFileSync } from 'node:fs';
import type { HttpTlsConfig, NotifyResult } from '@argus/alerting';
import { z } from 'zod';
import { type AmTemplates, defaultAmTemplates } from './am/templates.js';

/** The `templates` option of every Alertmanager receiver: the set made by `amTemplates(files)`. */
export const templatesOption: z.ZodOptional<z.ZodCustom<AmTemplates, AmTemplates>> = z
  .custom<AmTemplates>(
    (v) => typeof v === 'object' && v !== null && typeof (v as AmTemplates).text === 'function',
    'expected a template set made by amTemplates()',
  )
  .optional()
  .describe("Alertmanager template set (amTemplates(files)); default: Alertmanager's default.tmpl only");

const tlsVersion = z.enum(['TLS10', 'TLS11', 'TLS12', 'TLS13']);

/** A `tls` option in the camelCase form of Alertmanager's `tls_config` (see `HttpTlsConfig`). */
export const tlsOption: z.ZodOptional<z.ZodType<HttpTlsConfig, HttpTlsConfig>> = z
  .strictObject({
    caFile: z.string().min(1).optional(),
    certFile: z.string().min(1).optional(),
    keyFile: z.string().min(1).optional(),
    serverName: z.string().min(1).optional(),
    insecureSkipVerify: z.boolean().optional(),
    minVersion: tlsVersion.optional(),
    maxVersion: tlsVersion.optional(),
  })
  .refine((t) => !t.certFile === !t.keyFile, { message: 'give both certFile and keyFile, or neither' })
  .optional()
  .describe('TLS: caFile, certFile + keyFile, serverName, insecureSkipVerify, minVersion') as never;

/** The template set to render with: the given one or Alertmanager's defaults. */
export function templatesOf(t: AmTemplates | undefined): AmTemplates {
  return t ?? defaultAmTemplates();
}

/** Whether exactly one of a secret and its `…File` form is given. */
export function exactlyOne(value: string | undefined, file: string | undefined): boolean {
  return (value ? 1 : 0) + (file ? 1 : 0) === 1;
}

/**
 * A secret given inline or in a file read at each send, as Alertmanager reads `*_file` (so a rotated file is
 * picked up); trailing whitespace is trimmed. Errors name the field and the file, never the content.
 */
export function readSecret(field: string, value: string | undefined, file: string | undefined): string {
  if (value) return value;
  if (!file) throw new Error(`no ${field} and no ${field}File is set`);
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw new Error(`cannot read ${field}File ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

/** Go's notify.TruncateInRunes: at most `n` code points, the last one `…` when cut. */
export function truncateRunes(s: string, n: number): string {
  const runes = [...s];
  if (runes.length <= n) return s;
  if (n <= 3) return runes.slice(0, n).join('');
  return `${runes.slice(0, n - 1).join('')}…`;
}

/** Go's notify.TruncateInBytes: at most `n` UTF-8 bytes (whole code points), the last three `…` when cut. */
export function truncateBytes(s: string, n: number): string {
  if (Buffer.byteLength(s) <= n) return s;
  let out = '';
  let bytes = 0;
  for (const r of s) {
    const b = Buffer.byteLength(r);
    if (bytes + b > n - 3) break;
    out += r;
    bytes += b;
  }
  return `${out}…`;
}

/**
 * Runs one send: a throw before or outside the request (a template error, an unreadable secret file) is a
 * permanent failure naming the receiver, as Alertmanager gives up on them; `send` never throws.
 */
export async function guarded(what: string, f: () => Promise<NotifyResult>): Promise<NotifyResult> {
  try {
    return await f();
  } catch (e) {
    return { ok: false, retryable: false, error: new Error(`${what}: ${(e as Error).message ?? String(e)}`) };
  }
}

/** A copy of `o` without the keys whose value is `undefined`, `''` or an empty array (Go's `omitempty`). */
export function omitEmpty<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(o).filter(([, v]) => v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0)),
  ) as Partial<T>;
}

/** A map with its keys sorted, as Go's encoding/json writes a `map[string]string`. */
export function sortedMap(m: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Renders each value of `m` as a template. */
export function renderMap(
  t: AmTemplates,
  m: Readonly<Record<string, string>>,
  data: Parameters<AmTemplates['text']>[1],
): Record<string, string> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, t.text(v, data)]));
}

type OptionalString = z.ZodOptional<z.ZodString>;

/** A secret option and its `…File` form (read at each send), for a notifier's schema. */
export function secretFields<K extends string>(
  field: K,
  what: string,
): Record<K | `${K}File`, OptionalString> {
  return {
    [field]: z.string().min(1).optional().describe(what),
    [`${field}File`]: z.string().min(1).optional().describe(`File holding the ${what}, read at each send`),
  } as Record<K | `${K}File`, OptionalString>;
}

/** The `.refine` arguments requiring exactly one of `field` and `fieldFile`. */
export function oneSecret(
  field: string,
): [(o: Record<string, unknown>) => boolean, { message: string; path: string[] }] {
  const value = (o: Record<string, unknown>, k: string) =>
    typeof o[k] === 'string' ? (o[k] as string) : undefined;
  return [
    (o) => exactlyOne(value(o, field), value(o, `${field}File`)),
    { message: `give exactly one of ${field} and ${field}File`, path: [field] },
  ];
}
