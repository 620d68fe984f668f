import { DAYS, MONTHS } from './time-intervals.js';

// The checks Alertmanager 0.25's timeinterval package makes when it reads a time interval (its UnmarshalYAML
// methods), so that `argus check config` refuses exactly the ranges amtool refuses.

const TIME = /^((([01][0-9])|(2[0-3])):[0-5][0-9])$|(^24:00$)/;

type Member = (s: string) => number;

const int: Member = (s) => {
  if (!/^[-+]?\d+$/.test(s)) throw new Error(`strconv.Atoi: parsing "${s}": invalid syntax`);
  return Number(s);
};
const weekday: Member = (s) => {
  const i = DAYS.indexOf(s);
  if (i < 0) throw new Error(`${s} is not a valid weekday`);
  return i;
};
const month: Member = (s) => {
  const i = MONTHS.indexOf(s);
  if (i >= 0) return i + 1;
  try {
    return int(s);
  } catch {
    throw new Error(`${s} is not a valid month`);
  }
};

/** Go's `stringableRangeFromString`: lower-cased, one member or `a:b`. */
function range(input: string, member: Member): [number, number] {
  const s = input.toLowerCase();
  const parts = s.split(':');
  if (parts.length > 2) throw new Error(`couldn't parse range ${s}, invalid format`);
  const a = member(parts[0]!);
  return [a, parts.length === 2 ? member(parts[1]!) : a];
}

const minutes = (s: string): number => {
  if (!TIME.test(s)) throw new Error(`couldn't parse timestamp ${s}, invalid format`);
  const [h, m] = s.split(':').map(Number) as [number, number];
  return h * 60 + m;
};

/** Checks one field of a time interval; throws with Alertmanager's reason. */
export const timeIntervalChecks: Record<string, (value: string) => void> = {
  weekdays(v) {
    const [a, b] = range(v, weekday);
    if (a > b) throw new Error('start day cannot be before end day');
  },
  days_of_month(v) {
    const [a, b] = range(v, int);
    for (const d of [a, b])
      if (d === 0 || d < -31 || d > 31) throw new Error(`${d} is not a valid day of the month: out of range`);
    if (a < 0 && b > 0) throw new Error('end day must be negative if start day is negative');
    if ((a < 0 ? 28 + a : a) > (b < 0 ? 28 + b : b))
      throw new Error(`end day ${b} is always before start day ${a}`);
  },
  months(v) {
    const [a, b] = range(v, month);
    if (a > b) throw new Error(`end month ${MONTHS[b - 1] ?? b} is before start month ${MONTHS[a - 1] ?? a}`);
  },
  years(v) {
    const [a, b] = range(v, int);
    if (a > b) throw new Error(`end year ${b} is before start year ${a}`);
  },
  location(v) {
    if (v === '' || v === 'UTC' || v === 'Local') return;
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: v });
    } catch {
      throw new Error(`unknown time zone ${v}`);
    }
  },
};

/** A `times` entry: both ends given, `HH:MM` (or `24:00`), start before end. */
export function checkTimeRange(start: string | undefined, end: string | undefined): void {
  if (!start || !end) throw new Error('both start and end times must be provided');
  if (minutes(start) >= minutes(end)) throw new Error('start time cannot be equal or greater than end time');
}
