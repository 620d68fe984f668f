import type { Sink } from '@argus/core';
import type { AlertManager } from './types.js';

/** The alert manager as a pipeline sink: a write ingests the alerts and returns once they are durable. */
export function managerSink(m: AlertManager & { readonly isStopped: boolean }, name: string): Sink {
  return {
    kind: 'sink',
    name,
    apiVersion: 1,
    accepts: ['alerts'],
    start: (ctx) => m.start({ clock: ctx.clock, state: ctx.state }),
    async write(batch) {
      if (m.isStopped)
        return { ok: false, retryable: false, error: new Error(`${name}: the alert manager is stopped`) };
      if (batch.kind === 'alerts') m.ingest(batch.alerts);
      await m.flushed();
      return { ok: true };
    },
    // the pipeline's stop deadline bounds the wait for pending state writes
    stop: (ctx) => m.stop({ signal: ctx.signal }),
  };
}
