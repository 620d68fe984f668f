import type { Labels } from '@argus/core';

/** What a template sees: the series labels and the value of the evaluation. */
export interface TemplateData {
  readonly labels: Labels;
  readonly value: number;
}

/** A compiled template. */
export type Template = (data: TemplateData) => string;

type Arg = (d: TemplateData) => string | number;

const FUNCS: Record<string, (v: string | number, fmt?: string) => string> = {
  humanize: (v) => humanize(Number(v)),
  humanizePercentage: (v) => `${humanize(Number(v) * 100)}%`,
  humanizeDuration: (v) => humanizeDuration(Number(v)),
  toUpper: (v) => String(v).toUpperCase(),
  toLower: (v) => String(v).toLowerCase(),
  title: (v) => String(v).replace(/\b\w/g, (c) => c.toUpperCase()),
  printf: (v, fmt) => printf(fmt ?? '%v', v),
};

/**
 * Compiles a Prometheus-style template. The supported subset (anything else is refused when the rule is
 * created, naming `where`): `{{ $labels.NAME }}`, `{{ $value }}` (also `.Labels.NAME`, `.Value`), and the
 * functions `humanize`, `humanizePercentage`, `humanizeDuration`, `toUpper`, `toLower`, `title` and
 * `printf "<fmt>"` (verbs `%v %s %d %f %.Nf %g`), called as `{{ humanize $value }}` or piped as
 * `{{ $value | printf "%.1f" }}`. No loops, conditionals or queries: templates cannot run code.
 */
export function compileTemplate(src: string, where: string): Template {
  const parts: (string | Arg)[] = [];
  const re = /\{\{-?\s*([\s\S]*?)\s*-?\}\}/g;
  let last = 0;
  for (let m = re.exec(src); m; m = re.exec(src)) {
    parts.push(src.slice(last, m.index));
    parts.push(compileAction(m[1]!, where, src));
    last = re.lastIndex;
  }
  parts.push(src.slice(last));
  if (parts.length === 1) return () => src;
  return (d) => parts.map((p) => (typeof p === 'string' ? p : String(p(d)))).join('');
}

function compileAction(action: string, where: string, src: string): Arg {
  const stages = action.split('|').map((s) => s.trim());
  let fn = compileCall(stages[0]!, undefined, where, src);
  for (const stage of stages.slice(1)) fn = compileCall(stage, fn, where, src);
  return fn;
}

function compileCall(expr: string, piped: Arg | undefined, where: string, src: string): Arg {
  const tokens = expr.match(/"(?:[^"\\]|\\.)*"|\S+/g) ?? [];
  const head = tokens[0] ?? '';
  const func = FUNCS[head];
  if (!func) {
    if (piped || tokens.length !== 1) return unsupported(expr, where, src);
    return operand(head, where, src);
  }
  const fmt = head === 'printf' ? unquote(tokens[1], where, src) : undefined;
  const argTokens = tokens.slice(head === 'printf' ? 2 : 1);
  if (argTokens.length > 1 || (argTokens.length === 1) === Boolean(piped))
    return unsupported(expr, where, src);
  const arg = piped ?? operand(argTokens[0]!, where, src);
  return (d) => func(arg(d), fmt);
}

function operand(tok: string, where: string, src: string): Arg {
  if (tok === '$value' || tok === '.Value') return (d) => formatValue(d.value);
  const label = /^(?:\$labels|\.Labels)\.([a-zA-Z_][a-zA-Z0-9_]*)$/.exec(tok);
  if (label) {
    const name = label[1]!;
    return (d) => d.labels[name] ?? '';
  }
  if (/^"(?:[^"\\]|\\.)*"$/.test(tok)) return () => JSON.parse(tok) as string;
  if (/^-?\d+(?:\.\d+)?$/.test(tok)) return () => Number(tok);
  return unsupported(tok, where, src);
}

function unquote(tok: string | undefined, where: string, src: string): string {
  if (!tok || !/^"(?:[^"\\]|\\.)*"$/.test(tok)) return unsupported(`printf ${tok ?? ''}`, where, src);
  return JSON.parse(tok) as string;
}

function unsupported(expr: string, where: string, src: string): never {
  throw new SyntaxError(
    `${where}: template ${JSON.stringify(src)} uses {{ ${expr} }}, which Argus does not support; ` +
      'supported: $labels.NAME, $value, humanize, humanizePercentage, humanizeDuration, toUpper, toLower, title, printf "<fmt>"',
  );
}

/** Formats a value as Go's `strconv.FormatFloat(v, 'g', -1, 64)` does for common values (what `$value` prints). */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  const abs = Math.abs(v);
  if (abs !== 0 && (abs >= 1e21 || abs < 1e-4)) return v.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  return String(v);
}

function humanize(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return formatValue(v);
  const abs = Math.abs(v);
  const big = ['', 'k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];
  const small = ['', 'm', 'u', 'n', 'p', 'f', 'a', 'z', 'y'];
  let i = 0;
  let x = v;
  if (abs >= 1) {
    while (Math.abs(x) >= 1000 && i < big.length - 1) {
      x /= 1000;
      i++;
    }
    return `${trim4(x)}${big[i]}`;
  }
  while (Math.abs(x) < 1 && i < small.length - 1) {
    x *= 1000;
    i++;
  }
  return `${trim4(x)}${small[i]}`;
}

function trim4(x: number): string {
  return String(Number(x.toPrecision(4)));
}

function humanizeDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return formatValue(seconds);
  if (Math.abs(seconds) < 1) return `${trim4(seconds * 1000)}ms`;
  let s = Math.floor(Math.abs(seconds));
  const sign = seconds < 0 ? '-' : '';
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const parts = [d && `${d}d`, h && `${h}h`, m && `${m}m`, `${s}s`].filter(Boolean);
  return sign + parts.join(' ');
}

function printf(fmt: string, v: string | number): string {
  return fmt.replace(/%(\.(\d+))?([vsdfg%])/g, (_m, _p, prec: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    const n = Number(v);
    if (verb === 'd') return String(Math.trunc(n));
    if (verb === 'f') return n.toFixed(prec === undefined ? 6 : Number(prec));
    if (verb === 'g')
      return prec === undefined ? formatValue(n) : String(Number(n.toPrecision(Number(prec))));
    return typeof v === 'number' ? formatValue(v) : v;
  });
}
