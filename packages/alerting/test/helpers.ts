import {
  type Alert,
  type Alerter,
  type AlerterInput,
  createSeriesRegistry,
  type SeriesRegistry,
} from '@argus/core';
import { batchFromRows, type SampleRow, testStageContext } from '@argus/testkit';

/** A hand-driven alerter. */
export interface Driver {
  series: SeriesRegistry;
  log: Alert[];
  feed(rows: SampleRow[], now?: number): Alert[];
  tick(now: number, input?: AlerterInput): Alert[];
  states(): string[];
}

/** Drives an alerter by hand: `feed` rows at their own times, `tick` evaluates without data. */
export function driver(alerter: Alerter, series: SeriesRegistry = createSeriesRegistry()): Driver {
  const log: Alert[] = [];
  const run = (input: AlerterInput, now: number): Alert[] => {
    const out = [...(alerter.evaluate(input, testStageContext({ now, series })) ?? [])];
    log.push(...out);
    return out;
  };
  return {
    series,
    log,
    feed(rows: SampleRow[], now = Math.max(...rows.map((r) => r.timestamp))): Alert[] {
      return run({ metrics: batchFromRows(series, rows) }, now);
    },
    tick(now: number, input: AlerterInput = {}): Alert[] {
      return run(input, now);
    },
    states(): string[] {
      return log.map((a) => `${a.labels['instance'] ?? a.labels['source'] ?? ''}:${a.state}`);
    },
  };
}

/** One sample row of `metric{instance}`. */
export const row = (instance: string, timestamp: number, value: number, metric = 'cpu'): SampleRow => ({
  labels: { __name__: metric, instance, job: 'node' },
  timestamp,
  value,
});
