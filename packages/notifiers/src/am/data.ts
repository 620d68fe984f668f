// Alertmanager 0.25's notification template data (template.Data in template/template.go), as values the
// @argus/template engine reads like Go's: KV is a map[string]string with methods, Alerts a slice with methods.
import type { Notification, NotifiedAlert } from '@argus/alerting';
import { GO_TYPE, GoMap, GoTime } from '@argus/template';

/** Go's zero time.Time (0001-01-01T00:00:00Z), which Alertmanager sends as a firing alert's `EndsAt`. */
const GO_ZERO_NS = -62_135_596_800n * 1_000_000_000n;

const goTime = (ms: number | undefined): GoTime =>
  new GoTime(ms === undefined ? GO_ZERO_NS : BigInt(Math.round(ms)) * 1_000_000n);

/** A name and a value (template.Pair). */
export class Pair {
  constructor(
    readonly Name: string,
    readonly Value: string,
  ) {}
}

/** template.Pairs: a slice of pairs with `Names` and `Values`. */
export class Pairs extends Array<Pair> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  Names(): string[] {
    return this.map((p) => p.Name);
  }
  Values(): string[] {
    return this.map((p) => p.Value);
  }
}

/** template.KV: a `map[string]string` with `SortedPairs` (alertname first), `Names`, `Values` and `Remove`. */
export class KV extends GoMap<string> {
  constructor(record: Readonly<Record<string, string>> | ReadonlyMap<string, string>) {
    super(record, '', 'template.KV');
  }
  SortedPairs(): Pairs {
    const keys = [...this.entries.keys()].filter((k) => k !== 'alertname').sort(byCodeUnit);
    if (this.entries.has('alertname')) keys.unshift('alertname');
    const pairs = new Pairs();
    for (const k of keys) pairs.push(new Pair(k, this.entries.get(k) ?? ''));
    return pairs;
  }
  Remove(keys: readonly string[]): KV {
    const drop = new Set(keys);
    return new KV(new Map([...this.entries].filter(([k]) => !drop.has(k))));
  }
  Names(): string[] {
    return this.SortedPairs().Names();
  }
  Values(): string[] {
    return this.SortedPairs().Values();
  }
}

/** Go's sort.Strings order: by UTF-8 bytes, which for these keys is UTF-16 code-unit order. */
function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** template.Alert. */
export class AmAlert {
  readonly Status: string;
  readonly Labels: KV;
  readonly Annotations: KV;
  readonly StartsAt: GoTime;
  readonly EndsAt: GoTime;
  readonly GeneratorURL: string;
  readonly Fingerprint: string;
  constructor(a: NotifiedAlert) {
    this.Status = a.status;
    this.Labels = new KV(a.labels);
    this.Annotations = new KV(a.annotations);
    this.StartsAt = goTime(a.startsAt);
    this.EndsAt = goTime(a.endsAt);
    this.GeneratorURL = a.generatorURL ?? '';
    this.Fingerprint = a.fingerprint;
  }
}

/** template.Alerts: a slice of alerts with `Firing` and `Resolved`. */
export class Alerts extends Array<AmAlert> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  Firing(): AmAlert[] {
    return this.filter((a) => a.Status === 'firing');
  }
  Resolved(): AmAlert[] {
    return this.filter((a) => a.Status === 'resolved');
  }
}

/** template.Data: what every Alertmanager notification template gets as dot. */
export class TemplateData {
  readonly Receiver: string;
  readonly Status: string;
  readonly Alerts: Alerts;
  readonly GroupLabels: KV;
  readonly CommonLabels: KV;
  readonly CommonAnnotations: KV;
  readonly ExternalURL: string;
  constructor(n: Notification) {
    // Alertmanager escapes the receiver name as a regular expression (regexp.QuoteMeta) for its UI link
    this.Receiver = n.receiver.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
    this.Status = n.status;
    this.Alerts = new Alerts();
    for (const a of n.alerts) this.Alerts.push(new AmAlert(a));
    this.GroupLabels = new KV(n.groupLabels);
    this.CommonLabels = new KV(n.commonLabels);
    this.CommonAnnotations = new KV(n.commonAnnotations);
    this.ExternalURL = n.externalURL;
  }
}

// Go's type names, as `printf "%T"` and error messages show them
for (const [cls, name] of [
  [Pair, 'template.Pair'],
  [Pairs, 'template.Pairs'],
  [AmAlert, 'template.Alert'],
  [Alerts, 'template.Alerts'],
  [TemplateData, 'template.Data'],
] as const)
  Object.defineProperty(cls.prototype, GO_TYPE, { value: name });

/** The template data of a notification, as Alertmanager's `Template.Data` builds it. */
export function templateData(n: Notification): TemplateData {
  return new TemplateData(n);
}
