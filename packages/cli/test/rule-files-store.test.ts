// `rules:` in a run config runs the groups in process over their own store: what the groups record (recorded series,
// ALERTS) is written by their appender, so the store sink beside them must not write it again (a second write costs
// the store its work and shows as duplicatesIgnored).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPipeline, metricBatch, type Source, silentLogger } from '@argus/core';
import { fakeClock } from '@argus/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { rulePlugins } from '../src/config/rule-files.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-rule-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RULES = [
  'groups:',
  '  - name: queue',
  '    interval: 1s',
  '    rules:',
  '      - record: job:queue_depth:sum',
  '        expr: sum by (job) (queue_depth)',
  '      - alert: QueueDeep',
  '        expr: job:queue_depth:sum > 5',
].join('\n');

/** Two queue_depth series read every second, 4 each: their sum (8) is over the alert's 5 from the first read. */
const queues = (): Source => ({
  apiVersion: 1,
  kind: 'source',
  name: 'queues',
  defaultIntervalMs: 1000,
  poll(ctx) {
    const ids = ['a', 'b'].map((q) =>
      ctx.series.intern({ __name__: 'queue_depth', job: 'worker', queue: q }),
    );
    const now = ctx.clock.now();
    return metricBatch(
      Int32Array.from(ids),
      Float64Array.from(ids, () => now),
      Float64Array.from(ids, () => 4),
    );
  },
});

describe('rules: in process', () => {
  it("writes the groups' recorded series and ALERTS to their store once, and the pipeline's samples too", async () => {
    writeFileSync(join(dir, 'rules.yml'), `${RULES}\n`);
    const rules = await rulePlugins({ files: ['rules.yml'] }, dir);
    const clock = fakeClock({ now: Date.UTC(2026, 0, 5, 9) });
    const pipeline = createPipeline({
      logger: silentLogger,
      clock,
      sources: [queues(), ...rules.sources],
      alerters: rules.alerters,
      sinks: rules.sinks,
    });
    await pipeline.start();
    try {
      for (let i = 0; i < 6; i++) await clock.advanceAsync(1000);
    } finally {
      await pipeline.stop();
    }
    const store = rules.store!;
    const recorded = store.readSeries(
      [{ name: '__name__', op: '=', value: 'job:queue_depth:sum' }],
      0,
      Infinity,
    );
    expect(recorded).toHaveLength(1);
    expect(store.readSeries([{ name: '__name__', op: '=', value: 'ALERTS' }], 0, Infinity)).toHaveLength(1);
    // the scraped series still reach the store through the sink
    expect(store.readSeries([{ name: '__name__', op: '=', value: 'queue_depth' }], 0, Infinity)).toHaveLength(
      2,
    );
    expect(store.stats().duplicatesIgnored).toBe(0);
  }, 30_000);
});
