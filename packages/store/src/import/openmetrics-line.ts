// One line of OpenMetrics 1.0 text, parsed as Prometheus's openmetrics parser (model/textparse) reads it for
// `promtool tsdb create-blocks-from openmetrics`: metadata lines, samples with float-second timestamps
// (truncated to ms as Go's int64(ts*1000)), optional exemplars (ignored), and the closing `# EOF`.

/** What a line holds. Errors are thrown as strings; the importer adds the file and line number. */
export type OmLine =
  | { kind: 'eof' }
  | { kind: 'meta'; what: 'TYPE' | 'HELP' | 'UNIT'; metric: string; text: string }
  | { kind: 'sample'; labels: Record<string, string>; value: number; t: number | undefined };

const METRIC = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const FLOAT = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
const TYPES = new Set([
  'counter',
  'gauge',
  'histogram',
  'gaugehistogram',
  'summary',
  'info',
  'stateset',
  'unknown',
]);

/** Go's strconv.ParseFloat for the forms OpenMetrics writes: decimals, exponents, NaN and ±Inf. */
export function parseGoFloat(s: string): number | undefined {
  if (FLOAT.test(s)) return Number(s);
  const l = s.toLowerCase();
  if (l === 'nan') return Number.NaN;
  if (l === 'inf' || l === '+inf' || l === 'infinity' || l === '+infinity') return Infinity;
  if (l === '-inf' || l === '-infinity') return -Infinity;
  return undefined;
}

/** Parses one line (without its newline). Throws a message string on malformed input. */
export function parseOmLine(line: string): OmLine {
  if (line.startsWith('#')) return parseComment(line);
  const name = METRIC.exec(line)?.[0];
  if (!name) throw `expected a metric name, got ${quote(line.slice(0, 20))}`;
  const labels: Record<string, string> = { __name__: name };
  let i = name.length;
  if (line[i] === '{') i = parseLabels(line, i + 1, labels);
  if (line[i] !== ' ') throw `expected a space and a value after ${quote(line.slice(0, i))}`;
  const rest = line.slice(i + 1);
  const hash = rest.indexOf(' # ');
  const fields = (hash < 0 ? rest : rest.slice(0, hash)).split(' ');
  if (fields.length > 2 || fields[0] === '' || fields[1] === '')
    throw `expected "<value> [<timestamp>]" after the labels, got ${quote(rest)}`;
  const value = parseGoFloat(fields[0]!);
  if (value === undefined) throw `invalid value ${quote(fields[0]!)}`;
  let t: number | undefined;
  if (fields[1] !== undefined) {
    const ts = parseGoFloat(fields[1]);
    if (ts === undefined || !Number.isFinite(ts)) throw `invalid timestamp ${quote(fields[1])}`;
    t = Math.trunc(ts * 1000);
  }
  for (const k of Object.keys(labels)) if (labels[k] === '') delete labels[k];
  return { kind: 'sample', labels, value, t };
}

function parseComment(line: string): OmLine {
  if (line === '# EOF') return { kind: 'eof' };
  const m = /^# (TYPE|HELP|UNIT) ([a-zA-Z_:][a-zA-Z0-9_:]*)(?: (.*))?$/.exec(line);
  if (!m) throw `expected "# TYPE", "# HELP", "# UNIT" or "# EOF", got ${quote(line.slice(0, 30))}`;
  const what = m[1] as 'TYPE' | 'HELP' | 'UNIT';
  const text = what === 'HELP' ? unescapeHelp(m[3] ?? '') : (m[3] ?? '');
  if (what === 'TYPE' && !TYPES.has(text)) throw `invalid metric type ${quote(text)}`;
  return { kind: 'meta', what, metric: m[2]!, text };
}

/** Parses `name="value",…}` from `i`; returns the index after the closing brace. */
function parseLabels(line: string, i: number, out: Record<string, string>): number {
  if (line[i] === '}') return i + 1;
  for (;;) {
    const name = LABEL.exec(line.slice(i))?.[0];
    if (!name) throw `expected a label name at column ${i + 1}`;
    i += name.length;
    if (line[i] !== '=' || line[i + 1] !== '"') throw `expected ="…" after label ${name}`;
    i += 2;
    let v = '';
    for (; i < line.length && line[i] !== '"'; i++) {
      if (line[i] !== '\\') v += line[i];
      else {
        const c = line[++i];
        if (c === 'n') v += '\n';
        else if (c === '\\' || c === '"') v += c;
        else throw `invalid escape \\${c ?? ''} in the value of label ${name}`;
      }
    }
    if (i >= line.length) throw `unterminated value of label ${name}`;
    if (name in out) throw `duplicate label name ${name}`;
    out[name] = v;
    i++;
    if (line[i] === '}') return i + 1;
    if (line[i] !== ',') throw `expected "," or "}" after the value of label ${name}`;
    i++;
  }
}

function unescapeHelp(s: string): string {
  return s.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

const quote = (s: string): string => JSON.stringify(s);
