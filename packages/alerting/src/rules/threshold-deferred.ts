// Annotations rendered after `query` for rules that evaluate synchronously (thresholdRule): each alert state change
// waits while its annotations render (asynchronously, at the change's time, with the sample's labels and value) and
// comes out, in order, at the first evaluation after they are ready.
import type { Alert, Labels } from '@argus/core';
import type { RuleTracker, TrackedAlert } from './tracker.js';

interface Entry {
  alert: Alert;
  done: boolean;
}

/** A queue of alerts waiting for their annotations; `ready()` hands out the finished ones, oldest first. */
export function deferredAnnotations<K>(tracker: RuleTracker<K>): {
  /** Queues `alert` of the series `series`; `tracked` (still active) keeps the annotations for later changes. */
  add(alert: Alert, series: Labels, tracked: TrackedAlert | undefined): void;
  ready(): Alert[];
} {
  const queue: Entry[] = [];
  return {
    add(alert, series, tracked) {
      const entry: Entry = { alert, done: false };
      queue.push(entry);
      tracker
        .render(series, alert.value ?? Number.NaN, alert.endsAt ?? alert.startsAt)
        .then((r) => {
          entry.alert = { ...alert, annotations: r.annotations };
          if (tracked) tracked.annotations = { ...r.annotations };
        })
        // a template that fails renders its error text; anything else keeps the synchronous annotations
        .catch(() => undefined)
        .finally(() => {
          entry.done = true;
        });
    },
    ready() {
      let n = 0;
      while (n < queue.length && queue[n]!.done) n++;
      return queue.splice(0, n).map((e) => e.alert);
    },
  };
}
