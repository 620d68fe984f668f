// Runs the file sink in a real pipeline: a source reports a firing alert every 200 ms, the sink appends it.
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_VERSION, createPipeline, type Source } from '@argus/core';
import { fileSink } from './file-sink.js';

const path = join(tmpdir(), `argus-example-${process.pid}.jsonl`);
let tick = 0;
const disk: Source = {
  kind: 'source',
  name: 'disk-check',
  apiVersion: API_VERSION,
  poll: ({ clock }) => ({
    kind: 'alertEvents',
    events: [
      {
        labels: { alertname: 'DiskAlmostFull', instance: `node-${++tick}` },
        annotations: { summary: 'disk above 90%' },
        status: 'firing',
        startsAt: clock.now(),
        origin: 'disk-check',
      },
    ],
  }),
};

const pipeline = createPipeline({
  sources: [{ use: disk, intervalMs: 200 }],
  sinks: [fileSink({ path, accepts: ['alerts'] })],
});
await pipeline.start();
await new Promise((r) => setTimeout(r, 650));
await pipeline.stop({ timeoutMs: 5_000 });

console.log(`wrote ${path}:`);
console.log((await readFile(path, 'utf8')).trim());
