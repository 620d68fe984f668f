import { isAlias, isScalar, isSeq, type Node, parseDocument, type Scalar, visit } from 'yaml';

/** Keys whose values are secrets wherever they appear in a configuration. */
const SECRET_KEY =
  /(secret|password|passwd|token|api_?key|apikey|credentials?|authorization|routing_?key|service_?key|webhook_?url|^url$|api_url|_url_file|_file$)/i;

/** One `key: value` line of YAML (a list item's first key too). */
const YAML_LINE = /^(\s*(?:-\s+)?)([A-Za-z_][A-Za-z0-9_]*)(\s*:\s*)(\S.*)$/;

/** Keys that name a file holding a secret: the path itself is not one. */
const FILE_KEY = /_?file$/i;

/**
 * The secret values a configuration holds, to add to the known secrets so that they are replaced wherever they
 * appear (an error message or an audit entry quoting a receiver's URL), not only under their key in the config
 * view: in an Alertmanager YAML, the value of every secret-looking key (Slack, Teams, Discord and webhook URLs carry
 * their credentials in the path; passwords, tokens, keys); in the configuration, the URLs under secret-looking keys
 * that have a path, a query or a user (an address alone, such as a data source's, is not a secret to hide).
 */
export function configSecrets(o: { config?: unknown; alertmanagerYaml?: string | undefined }): string[] {
  const out: string[] = [];
  const text = o.alertmanagerYaml ?? '';
  const values = yamlSecretValues(text);
  if (values) for (const v of values) out.push(v.value);
  else
    for (const line of text.split('\n')) {
      // a file that does not parse is still shown (and may be quoted in its errors): scan it line by line
      const m = YAML_LINE.exec(line);
      if (!m || !SECRET_KEY.test(m[2]!) || FILE_KEY.test(m[2]!) || /^[|>&*]/.test(m[4]!)) continue;
      const raw = m[4]!.trim();
      const quoted = /^(['"])(.*)\1$/.exec(raw);
      out.push(quoted ? quoted[2]! : raw.replace(/\s+#.*$/, ''));
    }
  const walk = (v: unknown, key: string, depth: number): void => {
    if (depth > 32) return;
    if (typeof v === 'string') {
      if (SECRET_KEY.test(key) && !FILE_KEY.test(key) && hidesCredentials(v)) out.push(v);
    } else if (Array.isArray(v)) for (const x of v) walk(x, key, depth + 1);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k, depth + 1);
  };
  walk(o.config, '', 0);
  return out;
}

/** A secret scalar of a YAML text: its value, where it is written, and the key it sits under. */
interface YamlSecret {
  key: string;
  value: string;
  /** `[start, end)` of the scalar as written (quotes and block header included, anchor and comment not). */
  range: [number, number] | undefined;
}

/**
 * The scalar values under secret-looking keys of a YAML text, in block and in flow style alike
 * (`webhook_configs: [{ url: … }]`), and the items of a list under such a key; an alias counts with the value
 * it names. `undefined` when the text does not parse, so the caller can fall back to a line scan.
 */
function yamlSecretValues(text: string): YamlSecret[] | undefined {
  if (text.trim() === '') return [];
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0) return undefined;
  const found: YamlSecret[] = [];
  const take = (key: string, node: unknown): void => {
    if (isAlias(node)) {
      const target = node.resolve(doc);
      if (isScalar(target) && target.value !== null && target.value !== '')
        found.push({ key, value: String(target.value), range: undefined });
    } else if (
      isScalar(node) &&
      node.value !== null &&
      node.value !== '' &&
      typeof node.value !== 'boolean'
    ) {
      const r = (node as Scalar).range;
      found.push({ key, value: String(node.value), range: r ? [r[0], r[1]] : undefined });
    }
  };
  visit(doc, {
    Pair(_, pair) {
      if (!isScalar(pair.key)) return;
      const key = String(pair.key.value);
      if (!SECRET_KEY.test(key) || FILE_KEY.test(key)) return;
      const value = pair.value as Node | null;
      if (isSeq(value)) for (const item of value.items) take(key, item);
      else take(key, value);
    },
  });
  return found;
}

/** An http(s) URL with a path, a query or a user: where webhook URLs keep their credentials. */
function hidesCredentials(s: string): boolean {
  if (!/^https?:\/\//i.test(s)) return false;
  try {
    const u = new URL(s);
    return u.pathname.length > 1 || u.search !== '' || u.username !== '' || u.password !== '';
  } catch {
    return false;
  }
}

/** Replaces secrets: values under secret-looking keys, and any known secret value inside any string. */
export class Redactor {
  private readonly known: string[];

  constructor(secrets: readonly string[] = []) {
    // longest first, so a secret containing another is replaced whole
    this.known = [...new Set(secrets.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
  }

  /** Adds secrets learned at run time (e.g. a token just made). */
  add(secret: string): void {
    if (secret.length >= 4 && !this.known.includes(secret)) {
      this.known.push(secret);
      this.known.sort((a, b) => b.length - a.length);
    }
  }

  text(s: string): string {
    let out = s;
    for (const k of this.known) if (out.includes(k)) out = out.split(k).join('<secret>');
    return out;
  }

  /** A deep copy of `v` with secrets replaced by `<secret>`. */
  value(v: unknown, depth = 0): unknown {
    if (depth > 32) return '<too deep>';
    if (typeof v === 'string') return this.text(v);
    if (Array.isArray(v)) return v.map((x) => this.value(x, depth + 1));
    if (v && typeof v === 'object') {
      if (
        typeof (v as { kind?: unknown }).kind === 'string' &&
        typeof (v as { name?: unknown }).name === 'string'
      )
        // a plugin object: its name and kind say what it is; its fields may hold secrets
        return { kind: (v as { kind: string }).kind, name: (v as { name: string }).name };
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        if (typeof x === 'function') continue;
        out[k] =
          SECRET_KEY.test(k) && x !== '' && x !== undefined && x !== null
            ? '<secret>'
            : this.value(x, depth + 1);
      }
      return out;
    }
    return v;
  }

  /**
   * An Alertmanager YAML with the values of secret keys shown as `<secret>` (URLs as `http://<secret>/`), as
   * Alertmanager's status shows them.
   */
  yaml(text: string): string {
    const secrets = yamlSecretValues(text);
    if (!secrets) return this.text(this.yamlLines(text));
    // replaced from the end, so the earlier ranges stay where they are
    const placed = secrets.filter((s) => s.range).sort((a, b) => b.range![0] - a.range![0]);
    let out = text;
    for (const { key, range } of placed) {
      const [start, end] = range!;
      // a block scalar's range ends with its last line break: keep one, so the next key stays on its own line
      const tail = out.slice(start, end).endsWith('\n') ? '\n' : '';
      out = `${out.slice(0, start)}${secretPlaceholder(key)}${tail}${out.slice(end)}`;
    }
    return this.text(out);
  }

  /** The line scan, for a text that does not parse as YAML (it is shown as written, secrets hidden). */
  private yamlLines(text: string): string {
    return text
      .split('\n')
      .map((line) => {
        const m = YAML_LINE.exec(line);
        if (!m || !SECRET_KEY.test(m[2]!) || /^[|>]/.test(m[4]!)) return line;
        return `${m[1]}${m[2]}${m[3]}${secretPlaceholder(m[2]!)}`;
      })
      .join('\n');
  }
}

/**
 * `<secret>`, or for keys that hold a URL one that still parses: amtool 0.25 parses config.original
 * (`amtool config routes`), and where Alertmanager 0.25 wants a plain URL (webhook `url`, pagerduty `url`,
 * opsgenie `api_url`) it rejects a bare `<secret>`. Both are plain scalars in flow style too (no `,[]{}` or `: `).
 */
function secretPlaceholder(key: string): string {
  return /url$/i.test(key) ? 'http://<secret>/' : '<secret>';
}
