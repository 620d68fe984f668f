const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};

const PART = /(\d+)(ms|s|m|h|d|w|y)/y;

/**
 * Parses a Prometheus duration (`30s`, `1h30m`, `500ms`, `0`) into milliseconds; a number is taken as ms.
 * Throws a `RangeError` naming `what` for anything else.
 */
export function parseDuration(input: string | number, what = 'duration'): number {
  if (typeof input === 'number') {
    if (Number.isFinite(input) && input >= 0) return input;
    throw new RangeError(`${what}: expected a duration ≥ 0, got ${input}`);
  }
  const s = input.trim();
  if (s === '0') return 0;
  let total = 0;
  PART.lastIndex = 0;
  let pos = 0;
  while (pos < s.length) {
    PART.lastIndex = pos;
    const m = PART.exec(s);
    if (!m) break;
    total += Number(m[1]) * UNITS[m[2]!]!;
    pos = PART.lastIndex;
  }
  if (pos !== s.length || s.length === 0) {
    throw new RangeError(
      `${what}: ${JSON.stringify(input)} is not a duration; write e.g. "30s", "5m", "1h30m"`,
    );
  }
  return total;
}
