import {
  fingerprint,
  newFindingId,
  type SeriesRegistry,
  type SinkBatch,
  type SinkInputKind,
} from '@argus/core';
import { HARNESS, type SampleInput, T0 } from './harness.js';

/** A small batch of `kind` for calling a sink's `write` directly. */
export function sinkBatchOf(kind: SinkInputKind, series: SeriesRegistry, input: SampleInput): SinkBatch {
  switch (kind) {
    case 'metrics':
      return input(series);
    case 'logs':
      return {
        kind: 'logs',
        records: [{ timestamp: T0, labels: { job: 'testkit' }, message: 'direct write' }],
      };
    case 'findings': {
      const id = series.intern({ __name__: 'testkit_value', instance: 'direct' });
      const finding = {
        id: newFindingId(),
        series: id,
        timestamp: T0,
        value: 100,
        score: 0.9,
        kind: 'spike' as const,
        detector: HARNESS.findings,
        explanation: 'direct write',
      };
      return { kind: 'findings', findings: [finding] };
    }
    case 'alerts': {
      const labels = { alertname: 'TestkitDirect', severity: 'warning' };
      const alert = {
        labels,
        annotations: { summary: 'direct write' },
        state: 'firing' as const,
        startsAt: T0,
        fingerprint: fingerprint(labels),
        origin: 'testkit',
      };
      return { kind: 'alerts', alerts: [alert] };
    }
  }
}
