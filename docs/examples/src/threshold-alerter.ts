import { type Alert, defineAlerter, fingerprint, type Labels } from '@argus/core';
import { z } from 'zod';

const options = z.strictObject({
  name: z.string().default('threshold').describe('Plugin name, unique within a pipeline'),
  above: z.number().describe('A sample above this value counts as bad'),
  forSamples: z
    .number()
    .int()
    .positive()
    .default(1)
    .describe('Consecutive bad samples before the alert fires'),
  alertname: z.string().default('ThresholdExceeded').describe('The alertname label'),
});

interface Track {
  bad: number;
  firing?: Alert;
}

/** Fires per series after `forSamples` consecutive samples above `above`; resolves on the first one at or below. */
export const thresholdAlerter = defineAlerter({
  name: 'threshold',
  options,
  create: (o) => {
    // keyed by the alert's fingerprint, so the snapshot survives a restart (series ids do not)
    const tracks = new Map<string, Track>();
    const labelsOf = (series: Labels): Labels => {
      const { __name__: metric = '', ...rest } = series;
      return { ...rest, alertname: o.alertname, metric };
    };
    return {
      name: o.name,
      evaluate({ metrics }, ctx) {
        const changed: Alert[] = [];
        for (let i = 0; i < (metrics?.length ?? 0); i++) {
          const value = metrics!.values[i]!;
          if (Number.isNaN(value)) continue;
          const labels = labelsOf(ctx.series.labels(metrics!.series[i]!));
          const key = fingerprint(labels);
          const t = tracks.get(key) ?? { bad: 0 };
          tracks.set(key, t);
          const at = metrics!.timestamps[i]!;
          if (value > o.above) {
            t.bad++;
            if (t.bad === o.forSamples) {
              t.firing = {
                labels,
                annotations: { summary: `${value} > ${o.above}` },
                state: 'firing',
                startsAt: at,
                fingerprint: key,
                origin: o.name,
                value,
              };
              changed.push(t.firing);
            }
          } else {
            if (t.firing) changed.push({ ...t.firing, state: 'resolved', endsAt: at, value });
            tracks.delete(key);
          }
        }
        return changed;
      },
      snapshot: () => Object.fromEntries(tracks),
      restore(state) {
        for (const [key, t] of Object.entries(state as Record<string, Track>)) tracks.set(key, t);
      },
    };
  },
});
