// What rule groups write during a replay (backtest), kept in memory and read on top of the history, so a backtest
// never writes into the store it reads.
import { fingerprint, type Labels } from '@argus/core';
import { matchesAll, type Queryable, STALE_NAN, type StoredSeries } from '@argus/promql';
import type { SampleAppender } from './group-eval.js';

interface Held {
  labels: Labels;
  ts: number[];
  vs: number[];
  stale: number[];
}

/** A queryable reading `base` plus what was appended to the layer (series in time order, as a replay writes them). */
export function scratchLayer(base: Queryable): { queryable: Queryable; appender: SampleAppender } {
  const held = new Map<string, Held>();
  const union = async (f: (q: Queryable) => Promise<readonly string[]> | readonly string[], own: string[]) =>
    [...new Set([...(await f(base)), ...own])].sort();
  const own = (ms: Parameters<Queryable['labelNames']>[0]): Held[] =>
    [...held.values()].filter((h) => !ms || matchesAll(ms, h.labels));
  return {
    appender: {
      append(labels, t, v, stale) {
        const fp = fingerprint(labels);
        let h = held.get(fp);
        if (!h) held.set(fp, (h = { labels, ts: [], vs: [], stale: [] }));
        h.ts.push(t);
        h.vs.push(stale ? STALE_NAN : v);
        h.stale.push(stale ? 1 : 0);
        return true;
      },
    },
    queryable: {
      async select(matchers, mint, maxt) {
        const out: StoredSeries[] = [...(await base.select(matchers, mint, maxt))];
        for (const h of own(matchers)) {
          const idx = h.ts.flatMap((t, i) => (t >= mint && t <= maxt ? [i] : []));
          if (idx.length === 0) continue;
          out.push({
            labels: h.labels,
            timestamps: idx.map((i) => h.ts[i]!),
            values: idx.map((i) => h.vs[i]!),
            stale: idx.map((i) => h.stale[i]!),
          });
        }
        return out;
      },
      labelNames: (ms) =>
        union(
          (q) => q.labelNames(ms),
          own(ms).flatMap((h) => Object.keys(h.labels)),
        ),
      labelValues: (name, ms) =>
        union(
          (q) => q.labelValues(name, ms),
          own(ms).flatMap((h) => (h.labels[name] === undefined ? [] : [h.labels[name]])),
        ),
    },
  };
}
