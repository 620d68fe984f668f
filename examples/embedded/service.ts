import { startArgus } from '@argus/node';
import { collectDefaultMetrics, register } from 'prom-client';

// Your prom-client metrics become monitored series: Argus learns each one's baseline and alerts on anomalies,
// event-loop lag, heap and 5xx error rate. Learned state survives restarts in .argus/state.
collectDefaultMetrics();
const argus = await startArgus({ registry: register });
process.once('SIGTERM', () => void argus.stop());
