/** One Alertmanager time range: every field given must match (a field left out matches all). */
export interface TimeRangeSpec {
  /** Times of day, `HH:MM`, end exclusive. */
  times?: { startTime: string; endTime: string }[];
  /** `monday`, `monday:friday` (ranges run sunday → saturday). */
  weekdays?: string[];
  /** `1`, `1:5`, `-3:-1` (negative counts from the month's end). */
  daysOfMonth?: string[];
  /** `january`, `1`, `january:march`. */
  months?: string[];
  /** `2024`, `2024:2026`. */
  years?: string[];
  /** IANA zone of the fields above. @default 'UTC' */
  location?: string;
}

export const DAYS: readonly string[] = [
  'sunday',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
];
export const MONTHS: readonly string[] = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

type Check = (p: Parts) => boolean;
interface Parts {
  year: number;
  month: number;
  day: number;
  weekday: number;
  minute: number;
  daysInMonth: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function parts(ms: number, zone: string): Parts {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'long',
    });
    formatters.set(zone, f);
  }
  const p: Record<string, string> = {};
  for (const x of f.formatToParts(new Date(ms))) p[x.type] = x.value;
  const year = Number(p['year']);
  const month = Number(p['month']);
  return {
    year,
    month,
    day: Number(p['day']),
    weekday: DAYS.indexOf(p['weekday']!.toLowerCase()),
    minute: Number(p['hour']) * 60 + Number(p['minute']),
    daysInMonth: new Date(Date.UTC(year, month, 0)).getUTCDate(),
  };
}

function range(spec: string, parse: (s: string) => number, what: string): [number, number] {
  const [a, b] = spec.split(':');
  const lo = parse(a!.trim());
  const hi = b === undefined ? lo : parse(b.trim());
  if (Number.isNaN(lo) || Number.isNaN(hi))
    throw new RangeError(`time interval: bad ${what} ${JSON.stringify(spec)}`);
  return [lo, hi];
}

const named = (names: readonly string[], base: number) => (s: string) => {
  const i = names.indexOf(s.toLowerCase());
  return i >= 0 ? i + base : /^-?\d+$/.test(s) ? Number(s) : Number.NaN;
};

function hhmm(s: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(s);
  const v = m ? Number(m[1]) * 60 + Number(m[2]) : Number.NaN;
  if (!(v >= 0 && v <= 1440)) throw new RangeError(`time interval: bad time ${JSON.stringify(s)}; use HH:MM`);
  return v;
}

/** Compiles a time range into a predicate over ms since epoch. Throws a `RangeError` naming a bad field. */
export function compileTimeRange(spec: TimeRangeSpec): (ms: number) => boolean {
  const zone = spec.location ?? 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    throw new RangeError(`time interval: unknown location ${JSON.stringify(zone)}`);
  }
  const checks: Check[] = [];
  if (spec.times) {
    const rs = spec.times.map((t) => [hhmm(t.startTime), hhmm(t.endTime)] as const);
    checks.push((p) => rs.some(([a, b]) => p.minute >= a && p.minute < b));
  }
  if (spec.weekdays) {
    const rs = spec.weekdays.map((w) => range(w, named(DAYS, 0), 'weekday'));
    for (const [a, b] of rs)
      if (a > b)
        throw new RangeError(`time interval: start day cannot be before end day (${DAYS[a]}:${DAYS[b]})`);
    checks.push((p) => rs.some(([a, b]) => p.weekday >= a && p.weekday <= b));
  }
  if (spec.daysOfMonth) {
    const rs = spec.daysOfMonth.map((d) => range(d, Number, 'day of month'));
    const abs = (d: number, p: Parts): number => (d < 0 ? p.daysInMonth + d + 1 : d);
    checks.push((p) => rs.some(([a, b]) => p.day >= abs(a, p) && p.day <= abs(b, p)));
  }
  if (spec.months) {
    const rs = spec.months.map((m) => range(m, named(MONTHS, 1), 'month'));
    checks.push((p) => rs.some(([a, b]) => p.month >= a && p.month <= b));
  }
  if (spec.years) {
    const rs = spec.years.map((y) => range(y, Number, 'year'));
    checks.push((p) => rs.some(([a, b]) => p.year >= a && p.year <= b));
  }
  return (ms) => {
    const p = parts(ms, zone);
    return checks.every((c) => c(p));
  };
}

/** A named set of time ranges; `ms` is inside when any range matches. */
export function compileTimeIntervals(ranges: readonly TimeRangeSpec[]): (ms: number) => boolean {
  const fs = ranges.map(compileTimeRange);
  return (ms) => fs.some((f) => f(ms));
}
