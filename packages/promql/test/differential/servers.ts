// The two sides of the comparisons with the real Prometheus, loaded from the same OpenMetrics text: Prometheus
// through `promtool tsdb create-blocks-from openmetrics`, Argus through its own import (`importOpenMetrics`, what
// `argus import openmetrics` runs).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importOpenMetrics } from '@argus/store';
import { type RunningServer, startServer } from '@argus/testkit';
import { createBlocks, prometheusOverBlocks } from '../../../../bench/promql/prometheus.mjs';

export interface LoadedData {
  /** Temp directory holding `data.om`, Prometheus's blocks (`db`) and Argus's data dir (`argus`). */
  readonly dir: string;
  readonly argusDataDir: string;
  readonly prometheus: RunningServer;
}

/** Writes the text, builds both sides from it, starts Prometheus on a free port of 127.0.0.1. */
export async function loadBoth(openMetrics: string): Promise<LoadedData> {
  const dir = mkdtempSync(join(tmpdir(), 'argus-promql-diff-'));
  const file = join(dir, 'data.om');
  writeFileSync(file, openMetrics);
  createBlocks(file, join(dir, 'db'));
  const argusDataDir = join(dir, 'argus');
  await importOpenMetrics({ file, dataDir: argusDataDir, retentionMs: 100 * 365 * 86_400_000 });
  const prometheus = await startServer(prometheusOverBlocks(join(dir, 'db')));
  return { dir, argusDataDir, prometheus };
}
