// `argus import openmetrics`: an OpenMetrics file into a store data directory, as `promtool tsdb
// create-blocks-from openmetrics` does for Prometheus. Samples may come in any order; they are sorted per series
// (through SpillRuns, in bounded memory) and written in time order, so the live out-of-order window never applies.
// Everything is written to a staging directory beside the data directory and swapped in at the end: an error
// leaves the data directory as it was.
import {
  cpSync,
  createReadStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { type Labels, labelsKey } from '@argus/core';
import { createStore } from '../store.js';
import { parseOmLine } from './openmetrics-line.js';
import { SpillRuns } from './spill.js';

/** Options of {@link importOpenMetrics}. */
export interface ImportOpenMetricsOptions {
  /** The OpenMetrics text file (must end with `# EOF`, every sample with a timestamp). */
  readonly file: string;
  /** The store's data directory (created when missing; existing data is kept and added to). */
  readonly dataDir: string;
  /** Raw retention of the store the data directory is later opened with (ms before the newest sample). */
  readonly retentionMs?: number;
  /** Samples buffered before a sorted run is spilled to disk: the memory bound (24 bytes each). @default 1000000 */
  readonly bufferSamples?: number;
  /** Called as the file is read, with bytes read and the file size. */
  readonly onProgress?: (bytesRead: number, totalBytes: number) => void;
}

/** What an import did. */
export interface ImportSummary {
  readonly series: number;
  readonly samples: number;
  /** Samples the store refused (older than retention allows next to data already in the directory). */
  readonly refused: number;
  /** Identical repeats of a sample in the file, skipped. */
  readonly duplicates: number;
  /** Samples older than data already in the directory for their series, merged in behind it. */
  readonly outOfOrder: number;
}

/** An import that failed: the file and line, and nothing of it was written. */
export class ImportError extends Error {
  readonly code = 'ERR_STORE_IMPORT' as const;
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'ImportError';
  }
}

/** Metadata of the imported metric families (TYPE, HELP, UNIT), kept in `metadata.json` of the data dir. */
export type MetricMetadata = Record<string, { type: string; help: string; unit: string }[]>;
export const METADATA_FILE = 'metadata.json';

/**
 * Imports an OpenMetrics file into a data directory, all or nothing.
 * @example
 * await importOpenMetrics({ file: 'history.om', dataDir: '.argus/store' });
 */
export async function importOpenMetrics(o: ImportOpenMetricsOptions): Promise<ImportSummary> {
  const stage = join(dirname(o.dataDir), `.${basename(o.dataDir)}.import-${process.pid}-${Date.now()}`);
  if (existsSync(o.dataDir)) cpSync(o.dataDir, stage, { recursive: true });
  else mkdirSync(stage, { recursive: true });
  try {
    const summary = await importInto(stage, o);
    commit(stage, o.dataDir);
    return summary;
  } catch (err) {
    rmSync(stage, { recursive: true, force: true });
    throw err;
  }
}

async function importInto(stage: string, o: ImportOpenMetricsOptions): Promise<ImportSummary> {
  const spillPath = join(stage, 'import.spill');
  const spill = new SpillRuns(spillPath, o.bufferSamples ?? 1_000_000);
  const labels: Labels[] = [];
  try {
    const meta = await readFile(o, spill, labels, readMetadata(stage));
    spill.spill();
    const result = await write(stage, o, spill, labels);
    writeFileSync(join(stage, METADATA_FILE), JSON.stringify(meta));
    return result;
  } finally {
    spill.close();
    rmSync(spillPath, { force: true });
  }
}

/** Reads every line into the spill buffer; returns the metadata seen merged into `meta`. */
async function readFile(
  o: ImportOpenMetricsOptions,
  spill: SpillRuns,
  labels: Labels[],
  meta: MetricMetadata,
): Promise<MetricMetadata> {
  const fail = (n: number, msg: string): never => {
    throw new ImportError(`${o.file}:${n}: ${msg}`, n);
  };
  const total = statSync(o.file).size;
  const stream = createReadStream(o.file);
  const ids = new Map<string, number>();
  const pending = new Map<string, { type: string; help: string; unit: string }>();
  let n = 0;
  let eof = 0;
  for await (const text of createInterface({ input: stream, crlfDelay: Infinity })) {
    n++;
    if (n % 65_536 === 0) o.onProgress?.(stream.bytesRead, total);
    if (eof) fail(n, 'unexpected data after # EOF');
    let line: ReturnType<typeof parseOmLine>;
    try {
      line = parseOmLine(text);
    } catch (msg) {
      return fail(n, String(msg));
    }
    if (line.kind === 'eof') eof = n;
    else if (line.kind === 'meta') {
      const m = pending.get(line.metric) ?? { type: 'unknown', help: '', unit: '' };
      m[line.what === 'TYPE' ? 'type' : line.what === 'HELP' ? 'help' : 'unit'] = line.text;
      pending.set(line.metric, m);
    } else {
      if (line.t === undefined) fail(n, `expected a timestamp for series ${show(line.labels)}, got none`);
      const key = labelsKey(line.labels);
      let id = ids.get(key);
      if (id === undefined) {
        id = labels.length;
        ids.set(key, id);
        labels.push(line.labels);
      }
      spill.push(id, line.t!, line.value, n);
    }
  }
  if (!eof) fail(n, 'data does not end with # EOF');
  o.onProgress?.(total, total);
  for (const [name, m] of pending) meta[name] = [m];
  return meta;
}

/** Writes each series in time order into a store opened on the staging directory, then closes it (snapshot). */
async function write(
  stage: string,
  o: ImportOpenMetricsOptions,
  spill: SpillRuns,
  labels: readonly Labels[],
): Promise<ImportSummary> {
  const store = createStore({
    dataDir: stage,
    ...(o.retentionMs === undefined ? {} : { retentionMs: o.retentionMs }),
    outOfOrderWindowMs: Number.MAX_SAFE_INTEGER,
    snapshotIntervalMs: 2 ** 31 - 1,
  });
  const issues: string[] = [];
  await store.open({ log: (m) => issues.push(m) });
  let samples = 0;
  let refused = 0;
  let duplicates = 0;
  let flushed = 0;
  let outOfOrder = 0;
  try {
    for (const id of spill.seriesIds()) {
      const s = spill.read(id);
      for (let i = 0; i < s.t.length; i++) {
        if (i > 0 && s.t[i] === s.t[i - 1]) {
          if (Object.is(s.v[i], s.v[i - 1])) {
            duplicates++;
            continue;
          }
          throw new ImportError(
            `${o.file}:${s.line[i]}: duplicate sample for timestamp ${s.t[i]} of series ${show(labels[id]!)} with a different value (first at line ${s.line[i - 1]})`,
            s.line[i],
          );
        }
        if (store.append(labels[id]!, s.t[i]!, s.v[i]!)) samples++;
        else refused++;
      }
      // the store journals every append until its flush timer runs, which this loop would never let happen
      if (samples - flushed >= 100_000) {
        await store.flush();
        flushed = samples;
      }
    }
    outOfOrder = store.stats().outOfOrderAccepted;
  } finally {
    await store.close();
  }
  if (issues.length > 0)
    throw new ImportError(`${o.dataDir}: existing data is damaged: ${issues.join('; ')}`);
  return { series: spill.seriesIds().length, samples, refused, duplicates, outOfOrder };
}

function readMetadata(dir: string): MetricMetadata {
  const path = join(dir, METADATA_FILE);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as MetricMetadata) : {};
}

/** Swaps the staging directory in: the old directory is renamed aside first and removed last. */
function commit(stage: string, dataDir: string): void {
  if (!existsSync(dataDir)) {
    renameSync(stage, dataDir);
    return;
  }
  const old = `${stage}.old`;
  renameSync(dataDir, old);
  renameSync(stage, dataDir);
  rmSync(old, { recursive: true, force: true });
}

/** A label set as Prometheus prints it: `name{a="b"}`. */
function show(l: Labels): string {
  const { __name__: name = '', ...rest } = l;
  const inner = Object.entries(rest).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `${name}{${inner.join(', ')}}`;
}
