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
