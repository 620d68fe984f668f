import type { Alert } from '../alert.js';
import type { PluginError } from '../errors.js';
import type { Finding } from '../finding.js';
import type { SourceHealth } from '../plugin.js';

/** Why items were dropped. */
export type DropReason =
  | 'bufferFull'
  | 'error'
  | 'shutdown'
  | 'seriesLimit'
  | 'memoryLimit'
  | 'judgeQueueFull';

/** Typed events of a pipeline. Listeners that throw are caught and reported; they never break the pipeline. */
export interface PipelineEvents {
  /** A plugin took in `count` items (samples, records, findings, alerts). */
  received: [e: { plugin: string; count: number }];
  /** A plugin passed on `count` items. */
  sent: [e: { plugin: string; count: number }];
  /** Items lost, with the reason. Emitted once per burst for buffer drops (the counter counts them all). */
  dropped: [e: { plugin: string; count: number; reason: DropReason }];
  /** A `block` sink's buffer is full: sources are held until it drains. */
  blocked: [e: { plugin: string; queued: number }];
  /** A plugin error (also passed to `onError`). */
  error: [err: PluginError];
  finding: [finding: Finding];
  /** An asynchronous detector's verdict changed a finding. */
  findingUpdated: [finding: Finding];
  /** An alert changed state. */
  alert: [alert: Alert];
  /** A source went up or down. */
  health: [health: SourceHealth];
  /** Batch-mode progress, 0..1. */
  progress: [e: { done: number; total: number; fraction: number; at: number }];
  /** Lifecycle. */
  state: [state: PipelineState];
}

/** Lifecycle states of a pipeline. */
export type PipelineState = 'created' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';
