// What the alert detail page draws and names beside the alert: when it fired (from its history), the range of the
// series to show around that, and the alerting rules behind it (from Prometheus's /api/v1/rules, which the server
// mounts). DOM-free so it is unit-tested in node.

/** One entry of `GET /api/alerts/:fingerprint`'s history (the server sends them newest first). */
export interface HistoryEntry {
  seq: number;
  at: number;
  event: string;
  receiver?: string;
  reason?: string;
}

/** A span of firing, ms since epoch, `to` exclusive. */
export interface Interval {
  from: number;
  to: number;
}

/**
 * When the alert fired: each `firing` in its history opens a span and the next `resolved` closes it; a span still
 * open ends at the alert's `endsAt` (or `now`). The last span starts at the alert's own `startsAt` when that is
 * earlier: the source saw the problem before the alert manager heard of it.
 */
export function firingIntervals(
  history: readonly HistoryEntry[],
  alert: { startsAt: number; endsAt?: number | undefined },
  now: number,
): Interval[] {
  const out: Interval[] = [];
  let open: number | undefined;
  for (const h of [...history].sort((a, b) => a.seq - b.seq)) {
    if (h.event === 'firing' && open === undefined) open = h.at;
    else if (h.event === 'resolved' && open !== undefined) {
      out.push({ from: open, to: h.at });
      open = undefined;
    }
  }
  if (open !== undefined) out.push({ from: open, to: Math.max(open, alert.endsAt ?? now) });
  // no firing in the kept history (trimmed, or an alert posted as it resolved): its own start and end
  if (out.length === 0) out.push({ from: alert.startsAt, to: Math.max(alert.startsAt, alert.endsAt ?? now) });
  const last = out[out.length - 1]!;
  const before = out[out.length - 2];
  if (alert.startsAt < last.from && (!before || alert.startsAt >= before.to)) last.from = alert.startsAt;
  return out;
}

const MIN_PAD_MS = 15 * 60_000;

/** The range to draw: the firing spans with room before them (the normal the alert broke from) and a little after. */
export function alertWindow(spans: readonly Interval[], now: number): Interval {
  const from = Math.min(...spans.map((s) => s.from));
  const to = Math.max(...spans.map((s) => s.to));
  const pad = Math.max(MIN_PAD_MS, (to - from) / 4);
  return { from: from - pad, to: Math.max(to, Math.min(now, to + pad / 4)) };
}

/** An alerting rule as `/api/v1/rules` shows it (Prometheus's shape). */
export interface ApiRule {
  type: 'alerting' | 'recording';
  name: string;
  query: string;
  /** `for`, in seconds. */
  duration?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  state?: string;
  health?: string;
  lastError?: string;
  lastEvaluation?: string;
}

export interface RulesAnswer {
  status: string;
  data: { groups: { name: string; file: string; rules: ApiRule[] }[] };
}

/** A rule with the group and file it sits in. */
export interface FoundRule extends ApiRule {
  group: string;
  file: string;
}

/**
 * The alerting rules that could have raised an alert with these labels: the rule's name is the alert's `alertname`
 * and every label the rule sets is on the alert (a templated label, `{{ … }}`, can hold anything).
 */
export function rulesFor(answer: RulesAnswer, labels: Readonly<Record<string, string>>): FoundRule[] {
  const out: FoundRule[] = [];
  for (const g of answer.data.groups)
    for (const r of g.rules) {
      if (r.type !== 'alerting' || r.name !== labels.alertname) continue;
      const fits = Object.entries(r.labels ?? {}).every(([k, v]) => v.includes('{{') || labels[k] === v);
      if (fits) out.push({ ...r, group: g.name, file: g.file });
    }
  return out;
}

/** Labels a rule adds to the series it selects: left out of the selector for the series behind the alert. */
export function ruleLabelNames(rules: readonly FoundRule[]): string[] {
  return [...new Set(rules.flatMap((r) => Object.keys(r.labels ?? {})))];
}
