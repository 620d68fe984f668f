import { type Alert, type Alerter, createPipeline, type Detector, silentLogger } from '@argus/core';
import { type Store, storeSource } from '@argus/store';
import type { Printer } from './format.js';

/** Plugins for the backtest, made fresh: a backtest must not start from the live run's learned state. */
export interface BacktestPlugins {
  detector: () => Detector;
  alerter: () => Alerter;
}

/**
 * After the live run: says what the store recorded, then replays that history through a fresh copy of the
 * same detector and alerter with `runBatch` — the backtest every rule and detector gets in Argus.
 */
export async function replayHistory(
  store: Store,
  plugins: BacktestPlugins,
  printer: Printer,
  json: boolean,
): Promise<void> {
  const s = store.stats();
  if (s.samples === 0) return;
  const first = store.readSeries('{__name__=~".+"}', Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const series of first) {
    if (series.timestamps.length === 0) continue;
    from = Math.min(from, series.timestamps[0]!);
    to = Math.max(to, series.timestamps[series.timestamps.length - 1]! + 1);
  }
  if (!(to > from)) return;
  const fired = new Map<string, number>();
  const backtest = createPipeline({
    logger: silentLogger,
    sources: [storeSource(store, { name: 'history' })],
    detectors: [plugins.detector()],
    alerters: [plugins.alerter()],
  });
  backtest.on('alert', (a: Alert) => {
    if (a.state === 'firing')
      fired.set(a.labels['alertname'] ?? '?', (fired.get(a.labels['alertname'] ?? '?') ?? 0) + 1);
  });
  const summary = await backtest.runBatch({ from, to, stepMs: 1000 });
  const perSample = s.chunkSamples > 0 ? s.chunkBytes / s.chunkSamples : undefined;
  if (json) {
    printer.json({
      type: 'history',
      samples: s.samples,
      series: s.series,
      findings: s.findings,
      alerts: s.alerts,
      bytesPerSample: perSample,
      backtest: { ...summary, fired: Object.fromEntries(fired) },
    });
    return;
  }
  const list = [...fired].map(([name, n]) => `${name}×${n}`).join(', ') || 'no alerts';
  printer.line(
    `history: ${s.samples} samples of ${s.series} series, ${s.findings} findings and ${s.alerts} alert changes recorded` +
      `${perSample === undefined ? '' : ` (${perSample.toFixed(2)} B/sample in sealed chunks)`}; ` +
      `backtest over it (${summary.samples} samples in ${Math.round(summary.durationMs)} ms): ${list}`,
  );
}
