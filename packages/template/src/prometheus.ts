// Prometheus's template functions (template/template.go of Prometheus 2.42) and its alert-rule template data.
import { sprintf } from './fmt.js';
import { type FuncMap, goFunc, queryEscape } from './funcs.js';
import { SafeHTML } from './html.js';
import {
  floatToUnixNano,
  goRegExp,
  isIP,
  parseDuration,
  type QueryFn,
  queryResult,
  reReplaceAll,
  Sample,
  splitHostPort,
  title,
  toFloat,
} from './prometheus-values.js';
import { createTemplates, type Templates } from './template.js';
import { GoTime } from './time.js';
import { GO_TYPE, type GoMap, stringMap } from './values.js';

export interface PrometheusFuncOptions {
  /** Runs `query "…"`; without it, `query` fails with a message saying so. */
  readonly query?: QueryFn;
  /** The evaluation time passed to `query` (default: now), or a function giving it at each call. */
  readonly time?: Date | (() => Date);
  /** Prometheus's --web.external-url, for `externalURL` and `pathPrefix`. */
  readonly externalURL?: string;
}

const a = 'any' as const;
const s = 'string' as const;

function humanize(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return sprintf('%.4g', [v]);
  let x = v;
  let prefix = '';
  if (Math.abs(x) >= 1) {
    for (const p of ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y']) {
      if (Math.abs(x) < 1000) break;
      prefix = p;
      x /= 1000;
    }
    return sprintf('%.4g%s', [x, prefix]);
  }
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(x) >= 1) break;
    prefix = p;
    x *= 1000;
  }
  return sprintf('%.4g%s', [x, prefix]);
}

function humanize1024(v: number): string {
  if (Math.abs(v) <= 1 || !Number.isFinite(v)) return sprintf('%.4g', [v]);
  let x = v;
  let prefix = '';
  for (const p of ['ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi']) {
    if (Math.abs(x) < 1024) break;
    prefix = p;
    x /= 1024;
  }
  return sprintf('%.4g%s', [x, prefix]);
}

function humanizeDuration(v: number): string {
  if (!Number.isFinite(v)) return sprintf('%.4g', [v]);
  if (v === 0) return sprintf('%.4gs', [v]);
  if (Math.abs(v) >= 1) {
    const sign = v < 0 ? '-' : '';
    const abs = Math.abs(v);
    const duration = Math.trunc(abs);
    const seconds = duration % 60;
    const minutes = Math.trunc(duration / 60) % 60;
    const hours = Math.trunc(duration / 3600) % 24;
    const days = Math.trunc(duration / 86400);
    if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0) return `${sign}${minutes}m ${seconds}s`;
    return sprintf('%s%.4gs', [sign, abs]);
  }
  let x = v;
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(x) >= 1) break;
    prefix = p;
    x *= 1000;
  }
  return sprintf('%.4g%ss', [x, prefix]);
}

function toTime(v: number): GoTime {
  const ns = floatToUnixNano(v);
  if (ns === 'nan-or-inf') throw new Error('value is NaN or Inf');
  return new GoTime(ns);
}

function asSample(v: unknown, fn: string): Sample {
  if (v instanceof Sample) return v;
  throw new Error(`${fn}: expected a sample (from query … | first), got ${v === null ? 'nil' : typeof v}`);
}

function asResult(v: unknown, fn: string): Sample[] {
  if (Array.isArray(v) && v.every((x) => x instanceof Sample)) return v as Sample[];
  throw new Error(`${fn}: expected a query result (from query …)`);
}

/**
 * Go's strings.ToUpper/ToLower map each rune to one rune: where JavaScript's case mapping gives several
 * (ß → SS, İ → i̇), Go keeps the rune (upper) or takes the simple mapping's first rune (lower).
 */
function mapRunes(t: string, map: (c: string) => string, takeFirst: boolean): string {
  let out = '';
  for (const c of t) {
    const m = [...map(c)];
    out += m.length === 1 ? m[0] : takeFirst ? m[0] : c;
  }
  return out;
}

/** The path of a URL as Go's url.URL.Path gives it ("" when there is none). */
function urlPath(u: string): string {
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*([^?#]*)/.exec(u)?.[1] ?? '';
}

/** Prometheus's template functions, for a template set (see createPrometheusTemplates). */
export function prometheusFuncs(options: PrometheusFuncOptions = {}): FuncMap {
  const externalURL = options.externalURL ?? '';
  return {
    query: goFunc([s], (q: string) => {
      if (!options.query) throw new Error('no query function is configured for templates');
      const toResult = (v: readonly { labels: Readonly<Record<string, string>>; value: number }[]) =>
        queryResult(v.map((x) => new Sample(x)));
      const t = options.time;
      const r = options.query(q, typeof t === 'function' ? t() : (t ?? new Date()));
      return 'then' in r && typeof r.then === 'function' ? r.then(toResult) : toResult(r as never);
    }),
    first: goFunc([a], (v: unknown) => {
      const r = asResult(v, 'first');
      if (r.length > 0) return r[0];
      throw new Error('first() called on vector with no elements');
    }),
    label: goFunc([s, a], (name: string, v: unknown) => asSample(v, 'label').Labels.entries.get(name) ?? ''),
    value: goFunc([a], (v: unknown) => asSample(v, 'value').Value),
    strvalue: goFunc([a], (v: unknown) => asSample(v, 'strvalue').Labels.entries.get('__value__') ?? ''),
    args: goFunc(
      [],
      (...xs: unknown[]) => Object.fromEntries(xs.map((x, i) => [`arg${i}`, x])) as Record<string, unknown>,
      a,
    ),
    reReplaceAll: goFunc([s, s, s], reReplaceAll),
    // text mode; createPrometheusTemplates gives the html/template one
    safeHtml: goFunc([s], (t: string) => t),
    match: goFunc([s, s], (p: string, t: string) => goRegExp(p).test(t)),
    title: goFunc([s], title),
    toUpper: goFunc([s], (t: string) => mapRunes(t, (c) => c.toUpperCase(), false)),
    toLower: goFunc([s], (t: string) => mapRunes(t, (c) => c.toLowerCase(), true)),
    graphLink: goFunc([s], (e: string) => `/graph?g0.expr=${queryEscape(e)}&g0.tab=0`),
    tableLink: goFunc([s], (e: string) => `/graph?g0.expr=${queryEscape(e)}&g0.tab=1`),
    sortByLabel: goFunc([s, a], (name: string, v: unknown) => {
      const r = asResult(v, 'sortByLabel');
      const key = (x: Sample) => x.Labels.entries.get(name) ?? '';
      // stable, in place (as Go's sort.Stable on the slice)
      const sorted = [...r].sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
      sorted.forEach((x, i) => {
        r[i] = x;
      });
      return r;
    }),
    stripPort: goFunc([s], (hp: string) => splitHostPort(hp)?.host ?? hp),
    stripDomain: goFunc([s], (hp: string) => {
      const split = splitHostPort(hp);
      const host = split?.host ?? hp;
      if (isIP(host)) return hp;
      const short = host.split('.')[0]!;
      if (split?.port) return short.includes(':') ? `[${short}]:${split.port}` : `${short}:${split.port}`;
      return short;
    }),
    humanize: goFunc([a], (v: unknown) => humanize(toFloat(v))),
    humanize1024: goFunc([a], (v: unknown) => humanize1024(toFloat(v))),
    humanizeDuration: goFunc([a], (v: unknown) => humanizeDuration(toFloat(v))),
    humanizePercentage: goFunc([a], (v: unknown) => sprintf('%.4g%%', [toFloat(v) * 100])),
    humanizeTimestamp: goFunc([a], (v: unknown) => {
      const f = toFloat(v);
      const ns = floatToUnixNano(f);
      return ns === 'nan-or-inf' ? sprintf('%.4g', [f]) : new GoTime(ns).String();
    }),
    toTime: goFunc([a], (v: unknown) => toTime(toFloat(v))),
    pathPrefix: goFunc([], () => urlPath(externalURL)),
    externalURL: goFunc([], () => externalURL),
    parseDuration: goFunc([s], parseDuration),
  };
}

/** Options of a Prometheus template set: its functions' options plus Go's missingkey (Prometheus: `zero`). */
export interface PrometheusTemplateOptions extends PrometheusFuncOptions {
  readonly missingKey?: 'default' | 'zero' | 'error';
  /**
   * Render as Prometheus's ExpandHTML (console templates): Go's html/template escaping, and `safeHtml` and
   * `tmpl` give trusted HTML, written unescaped.
   */
  readonly html?: boolean;
  /** More functions (Alertmanager's, a project's own); they replace Prometheus's of the same name. */
  readonly funcs?: FuncMap;
}

/**
 * A template set with Go's builtins, Prometheus's functions and `tmpl` (runs a named template of the set), and
 * Prometheus's `missingkey=zero` (a missing label is `""`).
 */
export function createPrometheusTemplates(options: PrometheusTemplateOptions = {}): Templates {
  const html = options.html ?? false;
  const trusted = (t: string) => (html ? new SafeHTML(t) : t);
  const set = createTemplates({
    funcs: { ...prometheusFuncs(options), safeHtml: goFunc([s], trusted), ...options.funcs },
    missingKey: options.missingKey ?? 'zero',
    html,
  });
  set.funcs({ tmpl: goFunc([s, a], (name: string, data: unknown) => trusted(set.execute(name, data))) });
  return set;
}

/** Prometheus's Expander.Expand: parse `text` as template `name` and execute it; errors say which step failed. */
export function expandTemplate(
  text: string,
  name: string,
  data: unknown,
  options: PrometheusTemplateOptions = {},
): string {
  const set = parseForExpand(text, name, options);
  try {
    return set.execute(name, data);
  } catch (e) {
    throw new Error(`error executing template ${name}: ${(e as Error).message}`, { cause: e });
  }
}

/** expandTemplate whose `query` may answer with a Promise. */
export async function expandTemplateAsync(
  text: string,
  name: string,
  data: unknown,
  options: PrometheusTemplateOptions = {},
): Promise<string> {
  const set = parseForExpand(text, name, options);
  try {
    return await set.executeAsync(name, data);
  } catch (e) {
    throw new Error(`error executing template ${name}: ${(e as Error).message}`, { cause: e });
  }
}

function parseForExpand(text: string, name: string, options: PrometheusTemplateOptions): Templates {
  const set = createPrometheusTemplates(options);
  try {
    return set.parse(name, text);
  } catch (e) {
    throw new Error(`error parsing template ${name}: ${(e as Error).message}`, { cause: e });
  }
}

/** What an alerting rule's annotation and label templates see (Go: template.AlertTemplateData). */
export class AlertTemplateData {
  static {
    Object.defineProperty(AlertTemplateData.prototype, GO_TYPE, {
      value:
        'struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value float64 }',
    });
  }
  readonly Labels: GoMap<string>;
  readonly ExternalLabels: GoMap<string>;
  readonly ExternalURL: string;
  readonly Value: number;
  constructor(d: AlertTemplateInput) {
    this.Labels = stringMap(d.labels);
    this.ExternalLabels = stringMap(d.externalLabels ?? {});
    this.ExternalURL = d.externalURL ?? '';
    this.Value = d.value;
  }
}

export interface AlertTemplateInput {
  /** The alert's series labels (without `__name__`, as Prometheus gives them). */
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  readonly externalLabels?: Readonly<Record<string, string>>;
  readonly externalURL?: string;
}

/** What Prometheus puts before every alert annotation and label template (rules/alerting.go). */
export const ALERT_TEMPLATE_DEFS =
  '{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}';

/**
 * Parses an alerting rule's annotation (or label) template once, as Prometheus does: with `$labels`,
 * `$externalLabels`, `$externalURL` and `$value` defined, under the name `__alert_<rule>`.
 * Throws `error parsing template __alert_<rule>: …` when it does not parse.
 */
export function compileAlertTemplate(
  text: string,
  ruleName: string,
  options: PrometheusTemplateOptions = {},
): {
  /** Renders it; a failure gives Prometheus's `<error expanding template: …>` text, as the annotation's value. */
  render(input: AlertTemplateInput, time?: Date): string;
  /** Like render, for a `query` that answers with a Promise. */
  renderAsync(input: AlertTemplateInput, time?: Date): Promise<string>;
} {
  const name = `__alert_${ruleName}`;
  const source = ALERT_TEMPLATE_DEFS + text;
  const plain = !text.includes('{{');
  let at: Date | undefined;
  const set = parseForExpand(source, name, { ...options, time: () => at ?? new Date() });
  const setAt = (time: Date | undefined) => {
    at = time;
    return set;
  };
  const failed = (e: unknown) =>
    `<error expanding template: error executing template ${name}: ${(e as Error).message}>`;
  return {
    render(input, time) {
      if (plain) return text;
      try {
        return setAt(time).execute(name, new AlertTemplateData(input));
      } catch (e) {
        return failed(e);
      }
    },
    async renderAsync(input, time) {
      if (plain) return text;
      try {
        return await setAt(time).executeAsync(name, new AlertTemplateData(input));
      } catch (e) {
        return failed(e);
      }
    },
  };
}
