// Go's time.Time as templates see it (what Prometheus's toTime returns): UTC, nanosecond precision,
// printed as Go prints it and formatted with Go's reference-time layouts (`.Format "2006-01-02"`).
import { goFunc, type TemplateFunc } from './funcs.js';

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const LAYOUT =
  /January|Jan|Monday|Mon|MST|2006|-07:00:00|-070000|-07:00|-0700|-07|Z07:00:00|Z070000|Z07:00|Z0700|Z07|[.,](?:0+|9+)(?!\d)|002|01|02|_2|03|04|05|06|15|PM|pm|1|2|3|4|5/g;

const p2 = (n: number): string => String(n).padStart(2, '0');

/** A UTC instant with nanosecond precision; its methods are callable from templates (`.Format`, `.Unix`). */
export class GoTime {
  readonly #ns: bigint;
  constructor(unixNano: bigint) {
    this.#ns = unixNano;
  }
  #parts() {
    const ms = this.#ns / 1_000_000n - (this.#ns % 1_000_000n < 0n ? 1n : 0n);
    const d = new Date(Number(ms));
    const nanos = Number(((this.#ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n);
    return { d, nanos };
  }
  /** Go's Time.String(): `2006-01-02 15:04:05.999999999 -0700 MST`. */
  String(): string {
    return this.Format('2006-01-02 15:04:05.999999999 -0700 MST');
  }
  /** Go's Time.Format with a reference-time layout. */
  Format: ((layout: string) => string) & TemplateFunc = goFunc(['string'], (layout: string): string => {
    const { d, nanos } = this.#parts();
    const h = d.getUTCHours();
    const frac = (tok: string): string => {
      const digits = String(nanos)
        .padStart(9, '0')
        .slice(0, tok.length - 1);
      if (tok[1] === '0') return tok[0] + digits;
      const trimmed = digits.replace(/0+$/, '');
      return trimmed ? tok[0] + trimmed : '';
    };
    return layout.replace(LAYOUT, (tok) => {
      switch (tok) {
        case 'January':
          return MONTHS[d.getUTCMonth()]!;
        case 'Jan':
          return MONTHS[d.getUTCMonth()]!.slice(0, 3);
        case 'Monday':
          return DAYS[d.getUTCDay()]!;
        case 'Mon':
          return DAYS[d.getUTCDay()]!.slice(0, 3);
        case 'MST':
          return 'UTC';
        case '2006':
          return String(d.getUTCFullYear()).padStart(4, '0');
        case '06':
          return p2(d.getUTCFullYear() % 100);
        case '01':
          return p2(d.getUTCMonth() + 1);
        case '1':
          return String(d.getUTCMonth() + 1);
        case '02':
          return p2(d.getUTCDate());
        case '_2':
          return String(d.getUTCDate()).padStart(2, ' ');
        case '2':
          return String(d.getUTCDate());
        case '002': {
          const start = Date.UTC(d.getUTCFullYear(), 0, 1);
          return String(Math.floor((d.getTime() - start) / 86_400_000) + 1).padStart(3, '0');
        }
        case '15':
          return p2(h);
        case '03':
          return p2(h % 12 || 12);
        case '3':
          return String(h % 12 || 12);
        case '04':
          return p2(d.getUTCMinutes());
        case '4':
          return String(d.getUTCMinutes());
        case '05':
          return p2(d.getUTCSeconds());
        case '5':
          return String(d.getUTCSeconds());
        case 'PM':
          return h >= 12 ? 'PM' : 'AM';
        case 'pm':
          return h >= 12 ? 'pm' : 'am';
      }
      if (tok.startsWith('Z')) return 'Z';
      if (tok.startsWith('-07'))
        return tok
          .replace(/07/, '00')
          .replace(/0[0-9]/g, '00')
          .replace('-', '+');
      return frac(tok);
    });
  });
  /** Seconds since the Unix epoch. */
  Unix = (): bigint => this.#ns / 1_000_000_000n - (this.#ns % 1_000_000_000n < 0n ? 1n : 0n);
  /** Milliseconds since the Unix epoch. */
  UnixMilli = (): bigint => this.#ns / 1_000_000n - (this.#ns % 1_000_000n < 0n ? 1n : 0n);
  /** Nanoseconds since the Unix epoch. */
  UnixNano = (): bigint => this.#ns;
  /** The time in UTC (it already is). */
  UTC = (): GoTime => this;
  /** A JavaScript Date (millisecond precision), for callers outside templates. */
  toDate(): Date {
    return this.#parts().d;
  }
}
