// Prometheus durations (`5m`, `1h30m`, `10ms`, `1y`): units y, w, d, h, m, s, ms, largest first.
const UNITS: Record<string, number> = {
  y: 365 * 86_400_000,
  w: 7 * 86_400_000,
  d: 86_400_000,
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
};
const ORDER = ['y', 'w', 'd', 'h', 'm', 's', 'ms'];
const PART = /(\d+)(ms|y|w|d|h|m|s)/y;

/** Parses a Prometheus duration into milliseconds; throws `not a valid duration string` as Prometheus does. */
export function parseDuration(text: string): number {
  if (text === '0') return 0;
  let ms = 0;
  let i = 0;
  let last = -1;
  PART.lastIndex = 0;
  while (i < text.length) {
    PART.lastIndex = i;
    const m = PART.exec(text);
    const rank = m ? ORDER.indexOf(m[2]!) : -1;
    if (!m || rank <= last) throw new Error(`not a valid duration string: "${text}"`);
    ms += Number(m[1]) * UNITS[m[2]!]!;
    last = rank;
    i = PART.lastIndex;
  }
  if (i === 0) throw new Error(`not a valid duration string: "${text}"`);
  return ms;
}
