// The worked examples of docs/writing-a-plugin.md under their testkit contract suites.
import { batchFromRows, testAlerter, testDetector, testStageContext } from '@argus/testkit';
import { expect, it } from 'vitest';
import { jumpDetector } from '../src/jump-detector.js';
import { thresholdAlerter } from '../src/threshold-alerter.js';

testDetector(() => jumpDetector({ maxJump: 5 }), {
  capabilities: { snapshot: true },
  badOptions: () => jumpDetector({ maxJump: -1 }),
  additionalTests: (ctx) => {
    it('reports the spike of the sample input and the drop back, nothing else', async () => {
      const h = ctx.harness(jumpDetector({ maxJump: 5 }));
      await h.pipeline.start();
      await h.source.push(ctx.sampleInput(h.pipeline.series));
      await h.pipeline.stop();
      expect(h.out.findings().map((f) => [f.kind, f.value])).toEqual([
        ['spike', 100],
        ['dip', expect.closeTo(10, 0)],
      ]);
    });

    it('remembers the last value of each series across a restart, where series ids differ', () => {
      const before = testStageContext();
      const a = jumpDetector({ maxJump: 5 });
      a.detect?.(
        batchFromRows(before.series, [{ labels: { __name__: 'q' }, timestamp: 1, value: 10 }]),
        before,
      );
      const after = testStageContext();
      after.series.intern({ __name__: 'other' }); // so "q" gets another id than before
      const b = jumpDetector({ maxJump: 5 });
      b.restore?.(a.snapshot?.(before), after);
      const rows = [{ labels: { __name__: 'q' }, timestamp: 2, value: 100 }];
      const found = b.detect?.(batchFromRows(after.series, rows), after);
      expect(found?.map((f) => [f.kind, f.expected?.value])).toEqual([['spike', 10]]);
    });
  },
});

testAlerter(() => thresholdAlerter({ above: 50 }), {
  capabilities: { snapshot: true },
  badOptions: () => thresholdAlerter({ above: 50, forSamples: 0 }),
  additionalTests: (ctx) =>
    it('fires on the spike of the sample input and resolves on the next sample', async () => {
      const h = ctx.harness(thresholdAlerter({ above: 50 }));
      await h.pipeline.start();
      await h.source.push(ctx.sampleInput(h.pipeline.series));
      await h.pipeline.stop();
      expect(h.out.alerts().map((a) => [a.state, a.labels['instance'], a.value])).toEqual([
        ['firing', 'a', 100],
        ['resolved', 'a', expect.closeTo(10, 0)],
      ]);
    }),
});
