import type { AlertTable } from './alert-table.js';
import { type Dispatcher, shownResolved } from './dispatcher.js';
import type { Inhibitor } from './inhibit.js';
import type { SilenceBook } from './silences.js';
import type { AlertView, GroupView } from './types.js';

/** Every alert with its muting status at `now`, as Alertmanager's `GET /api/v2/alerts` shows it. */
export function alertViews(t: AlertTable, book: SilenceBook, inhibitor: Inhibitor, now: number): AlertView[] {
  const out: AlertView[] = [];
  t.forEach((s) => {
    const a = t.record(s);
    const sil = book.matching(a.labels, now);
    const inh = inhibitor.inhibitedBy(a.labels, now);
    const muted = sil.length + inh.length > 0;
    const state = shownResolved(t, s, now) ? 'resolved' : muted ? 'suppressed' : 'active';
    out.push({ ...a, status: { state, silencedBy: sil, inhibitedBy: inh } });
  });
  return out;
}

/** The aggregation groups with their alerts' fingerprints. */
export function groupViews(t: AlertTable, dispatcher: Dispatcher): GroupView[] {
  return [...dispatcher.groups.values()].map((g) => ({
    key: g.key,
    receiver: g.route.receiver,
    labels: { ...g.labels },
    alerts: g.members.toArray().map((s) => t.fp[s]!),
  }));
}
