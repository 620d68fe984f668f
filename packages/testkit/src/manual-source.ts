import {
  API_VERSION,
  type Emit,
  type Labels,
  type PluginContext,
  type Source,
  type SourceBatch,
  type TimeRange,
} from '@argus/core';
import { batchFromRows, type SampleRow } from './context.js';

/** A row for {@link ManualSource.pushSamples}; `timestamp` defaults to the pipeline clock's now. */
export interface PushRow {
  readonly labels: Labels;
  readonly value: number;
  readonly timestamp?: number;
  readonly stale?: boolean;
}

/** Options of {@link manualSource}. */
export interface ManualSourceOptions {
  /** @default 'manual' */
  name?: string;
  /** Samples served by `readRange` for batch-mode tests; without it the source has no `readRange`. */
  history?: readonly SampleRow[];
}

/** A push source driven by the test. */
export interface ManualSource extends Source {
  /**
   * Hands a batch to the pipeline; resolves `true` once the pipeline has taken it (processed through the graph),
   * `false` when the pipeline no longer accepts data. Waits for the pipeline to start listening first.
   */
  push(batch: SourceBatch): Promise<boolean>;
  /** Interns the rows' labels in the pipeline's registry and pushes them as one metric batch. */
  pushSamples(rows: readonly PushRow[]): Promise<boolean>;
  /** Whether the pipeline is listening (started and not stopped). */
  readonly listening: boolean;
}

/**
 * A push source for tests (telegraf's `testutil.Accumulator` turned around): the pipeline calls `listen`,
 * the test calls `push`. Give `history` to also serve `readRange` in batch mode, one batch per timestamp.
 * @example
 * const src = manualSource();
 * await pipeline.start();
 * await src.pushSamples([{ labels: { __name__: 'up' }, value: 1 }]);
 */
export function manualSource(options: ManualSourceOptions = {}): ManualSource {
  let emit: Emit | undefined;
  let ctx: PluginContext | undefined;
  let stopped = false;
  let ready: { promise: Promise<void>; resolve: () => void } | undefined;
  const whenReady = (): Promise<void> => {
    if (!ready) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      ready = { promise, resolve };
    }
    return ready.promise;
  };

  const source: ManualSource = {
    kind: 'source',
    name: options.name ?? 'manual',
    apiVersion: API_VERSION,
    get listening() {
      return emit !== undefined && !stopped;
    },
    listen(e, c) {
      emit = e;
      ctx = c;
      ready?.resolve();
    },
    stop() {
      stopped = true;
      ready?.resolve();
    },
    async push(batch) {
      if (!emit && !stopped) await whenReady();
      if (stopped || !emit) return false;
      return emit(batch);
    },
    async pushSamples(rows) {
      if (!ctx && !stopped) await whenReady();
      if (stopped || !ctx) return false;
      const c = ctx;
      const full = rows.map((r) => ({ ...r, timestamp: r.timestamp ?? c.clock.now() }));
      return source.push(batchFromRows(c.series, full));
    },
  };
  if (options.history) {
    const history = [...options.history].sort((a, b) => a.timestamp - b.timestamp);
    Object.assign(source, {
      readRange: (range: TimeRange, c: PluginContext) => readHistory(history, range, c),
    });
  }
  return source;
}

async function* readHistory(
  history: readonly SampleRow[],
  range: TimeRange,
  ctx: PluginContext,
): AsyncIterable<SourceBatch> {
  let group: SampleRow[] = [];
  for (const row of history) {
    if (row.timestamp < range.from || row.timestamp >= range.to) continue;
    if (group.length > 0 && group[0]!.timestamp !== row.timestamp) {
      yield batchFromRows(ctx.series, group);
      group = [];
    }
    group.push(row);
  }
  if (group.length > 0) yield batchFromRows(ctx.series, group);
}
