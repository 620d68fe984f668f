import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testSink } from '@argus/testkit';
import { expect, it } from 'vitest';
import { fileSink } from '../src/file-sink.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-file-sink-'));
let n = 0;
const nextPath = (): string => join(dir, `out-${++n}.jsonl`);

testSink(() => fileSink({ path: nextPath() }), {
  badOptions: () => fileSink({ path: '' }),
  additionalTests: (ctx) =>
    it('writes one JSON line per alert', async () => {
      const path = nextPath();
      const h = ctx.harness(fileSink({ path, accepts: ['alerts'] }));
      await h.pipeline.start();
      await h.source.push({
        kind: 'alertEvents',
        events: ['A', 'B'].map((x) => ({
          labels: { alertname: x },
          annotations: {},
          status: 'firing' as const,
          startsAt: 1,
          origin: 'test',
        })),
      });
      await h.pipeline.stop();
      const lines = readFileSync(path, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines.map((l) => [l.labels.alertname, l.state])).toEqual([
        ['A', 'firing'],
        ['B', 'firing'],
      ]);
    }),
});
