import { formatDuration } from '@argus/core';
import type { MetricsJsonRegistry } from '@argus/source-prometheus';
import { Gauge, type Registry } from 'prom-client';
import type { WarmupStatus } from './warmup.js';

/** What the start-up line reports. */
export interface StartupFacts {
  /** `prom-client's global register` or `your registry`. */
  registryName: string;
  registry: MetricsJsonRegistry;
  intervalMs: number;
  watch: string;
  /** Where learned state lives (a directory, or `memory`). */
  stateLocation: string;
  /** `undefined` when the detectors are the caller's own (their warm-up is theirs). */
  warmup: WarmupStatus | undefined;
  /** Samples before the early check scores, when there is one. */
  earlySamples: number | undefined;
}

/** One line: what Argus watches, where its state lives and when scoring begins. */
export async function startupLine(f: StartupFacts): Promise<string> {
  const every = formatDuration(f.intervalMs);
  return (
    `watching ${f.registryName} (${await describeRegistry(f.registry)}) every ${every}, ` +
    `scoring series matching ${f.watch}; state in ${f.stateLocation}; ${whenScoring(f)}`
  );
}

function whenScoring(f: StartupFacts): string {
  const w = f.warmup;
  if (!w) return 'scoring as your detectors do';
  if (w.restored > 0 && w.ready)
    return `learned state restored for ${w.restored} series: scoring from the first sample`;
  const full = `full anomaly scoring after ${w.samplesNeeded} reads per series (~${formatDuration(w.samplesNeeded * f.intervalMs)})`;
  const early =
    f.earlySamples !== undefined
      ? `gross anomalies (e.g. 100× latency) flagged from read ${f.earlySamples + 1} (~${formatDuration(f.earlySamples * f.intervalMs)}), `
      : '';
  const partly = w.restored > 0 ? ` (state restored for ${w.restored} series, new ones warm up)` : '';
  return `${early}${full}${partly}`;
}

async function describeRegistry(registry: MetricsJsonRegistry): Promise<string> {
  try {
    const families = (await registry.getMetricsAsJSON()) as readonly { values?: readonly unknown[] }[];
    if (families.length === 0) {
      return 'no metrics yet: nothing to watch until you register some, e.g. collectDefaultMetrics()';
    }
    const series = families.reduce((n, m) => n + (Array.isArray(m.values) ? m.values.length : 0), 0);
    return `${families.length} metrics, ${series} series now`;
  } catch (err) {
    return `unreadable now: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** The line logged once warm-up ends. */
export function warmupDoneLine(w: WarmupStatus, sinceMs: number): string {
  return `warm-up done after ${formatDuration(sinceMs)}: the ensemble now scores all ${w.warm} watched series`;
}

/**
 * Registers `argus_warmup_progress`, `argus_warmup_ready` and `argus_warmup_series{state}` in `registry`, read
 * from `status` at each scrape. Returns a function that unregisters them.
 */
export function warmupMetrics(registry: Registry, status: () => WarmupStatus): () => void {
  const names: string[] = [];
  const gauge = (name: string, help: string, values: (s: WarmupStatus) => [string | undefined, number][]) => {
    names.push(name);
    return new Gauge({
      name,
      help,
      labelNames: values(status()).some(([state]) => state !== undefined) ? ['state'] : [],
      registers: [registry],
      collect() {
        this.reset();
        for (const [state, v] of values(status())) {
          if (state === undefined) this.set(v);
          else this.set({ state }, v);
        }
      },
    });
  };
  gauge(
    'argus_warmup_progress',
    'Share (0..1) of the samples the detectors need before they score every watched series.',
    (s) => [[undefined, s.progress]],
  );
  gauge(
    'argus_warmup_ready',
    '1 once the full detector scores every watched series, else 0 (the early check judges them).',
    (s) => [[undefined, s.ready ? 1 : 0]],
  );
  gauge(
    'argus_warmup_series',
    'Watched series by warm-up state: warming (early check) or warm (full detector).',
    (s) => [
      ['warming', s.series - s.warm],
      ['warm', s.warm],
    ],
  );
  return () => {
    for (const name of names) registry.removeSingleMetric(name);
  };
}
