// Pure helpers the pages share; kept DOM-free so they are unit-tested in node.

/** Splits `a="x", b=~"y,z"` (braces optional) into single matchers; commas inside quotes stay. */
export function splitMatchers(text: string): string[] {
  const body = text.trim().replace(/^\{/, '').replace(/\}$/, '');
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch === '\\' && quoted) {
      cur += ch + (body[++i] ?? '');
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** Matchers that select exactly this label set (for a silence made from an alert). */
export function matchersFor(labels: Record<string, string>): string[] {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`);
}

/** "3m", "2h 5m", "4d 1h": how long ago `t` was. */
export function age(t: number, now: number): string {
  const s = Math.max(0, Math.floor((now - t) / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** `{a="1", b="2"}` without __name__, which callers show apart. */
export function labelText(labels: Record<string, string>): string {
  const parts = Object.keys(labels)
    .filter((k) => k !== '__name__')
    .sort()
    .map((k) => `${k}="${labels[k]}"`);
  return `{${parts.join(', ')}}`;
}

const MATCHER = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$/s;

/**
 * Why one Alertmanager matcher (`team="db"`, `severity=~"crit.*"`, unquoted `team=db`) is not valid, or null when it
 * is. The same grammar the server applies, checked as the user types; the server stays the judge (its preview
 * answers a 400 naming the matcher, which the editor shows too).
 */
export function matcherError(text: string): string | null {
  const m = MATCHER.exec(text);
  if (!m) return 'write name="value", name!="value", name=~"regex" or name!~"regex"';
  const raw = m[3]!;
  let value = raw;
  if (raw.startsWith('"')) {
    if (!/^"(?:[^"\\]|\\.)*"$/s.test(raw)) return 'the value has an unclosed or stray quote';
    try {
      value = JSON.parse(raw) as string;
    } catch {
      return 'the value has a bad escape';
    }
  }
  if (m[2] === '=~' || m[2] === '!~') {
    try {
      new RegExp(`^(?:${value})$`);
    } catch (e) {
      return `bad regex: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`;
    }
  }
  return null;
}

/** `2026-12-07T10:15` in the browser's zone, for a datetime-local input. */
export function localInput(t: number): string {
  const d = new Date(t - new Date(t).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

// labels an alert rule adds to the series' own (the anomaly and threshold rules add alertname, and most add severity)
const RULE_LABELS = new Set(['alertname', 'severity']);

/** A selector for the series behind an alert: its labels without those rules commonly add (and `drop`). */
export function seriesSelector(labels: Record<string, string>, drop: readonly string[] = []): string {
  const parts = Object.keys(labels)
    .filter((k) => !RULE_LABELS.has(k) && !drop.includes(k))
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`);
  return `{${parts.join(', ')}}`;
}
