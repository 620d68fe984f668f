import { consoleSink, ewmaDetector, processSource, scoreThresholdAlerter } from '@argus/cli';
import { createPipeline, openStateStore } from '@argus/core';

// Watch this service's own heap, RSS, event-loop delay and CPU; print findings and alerts as they happen.
const pipeline = createPipeline({
  sources: [{ use: processSource(), intervalMs: 1_000 }],
  detectors: [ewmaDetector({ threshold: 4 })],
  alerters: [scoreThresholdAlerter({ forPoints: 3 })],
  sinks: [consoleSink()],
  state: await openStateStore(), // learned state survives restarts in .argus/state
});
await pipeline.start();
process.once('SIGTERM', () => void pipeline.stop({ timeoutMs: 5_000 }));
