import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { foldOoo } from '../internal/append.js';
import { enforceAgeInSlices } from '../internal/retention.js';
import { NONE } from '../internal/sealed-chunks.js';
import type { StoreState } from '../internal/state.js';
import type { ResolvedStoreOptions } from '../options.js';
import { every } from './every.js';
import { frame } from './frame.js';
import { SampleBuf, SegmentJournal } from './journal.js';
import { LOAD_SLICE_MS, loadFile, type RecoveryIssue } from './load.js';
import {
  chunkRecord,
  formatRecord,
  jsonRecord,
  REC,
  rollupRecord,
  type SnapshotHeader,
  seriesRecord,
} from './records.js';

export type { RecoveryIssue } from './load.js';

/** An open data directory. */
export interface Persistence {
  flush(): Promise<void>;
  close(): Promise<void>;
  readonly issues: readonly RecoveryIssue[];
}

const SEGMENT = /^segment-(\d{8})\.log$/;
const SNAPSHOT = /^snapshot-(\d{8})\.bin$/;
const pad = (n: number): string => String(n).padStart(8, '0');

function numbered(names: readonly string[], re: RegExp): { n: number; name: string }[] {
  return names
    .map((name) => ({ name, m: re.exec(name) }))
    .filter((x) => x.m)
    .map((x) => ({ n: Number(x.m![1]), name: x.name }))
    .sort((a, b) => a.n - b.n);
}

/**
 * Opens the data directory: loads the newest snapshot, replays the segments written after it, starts a fresh
 * segment (a damaged tail is never appended to), and flushes/snapshots on timers. Damage is reported through
 * `log` (file and byte offset) and everything valid is kept.
 */
export async function openPersistence(
  st: StoreState,
  opts: ResolvedStoreOptions,
  log: (message: string) => void,
): Promise<Persistence> {
  const dir = opts.dataDir!;
  // the caller's log runs inside the store's timers too: a throw from it must not reach the host
  const say = (message: string): void => {
    try {
      log(message);
    } catch {
      // nothing left to report it to
    }
  };
  const { issues, covered, lastSegment } = await loadDir(st, dir);
  for (const i of issues) say(i.message);
  return run(st, opts, issues, Math.max(covered, lastSegment) + 1, say);
}

/**
 * Loads the newest snapshot and the segments after it (in slices, see loadFile); returns the damage found and the
 * numbers seen.
 */
async function loadDir(
  st: StoreState,
  dir: string,
): Promise<{ issues: RecoveryIssue[]; covered: number; lastSegment: number }> {
  mkdirSync(dir, { recursive: true });
  const names = readdirSync(dir);
  // a snapshot cut short by a crash never got renamed: its segments are still there
  for (const f of names) if (/^snapshot-\d{8}\.tmp$/.test(f)) rmSync(join(dir, f), { force: true });
  const snaps = numbered(names, SNAPSHOT);
  const issues: RecoveryIssue[] = [];
  let covered = -1;
  const snap = snaps[snaps.length - 1];
  if (snap) {
    const header: { value?: SnapshotHeader } = {};
    issues.push(...(await loadFile(st, dir, snap.name, header)));
    covered = header.value?.segment ?? snap.n;
    if (header.value) {
      st.newestT = Math.max(st.newestT, header.value.newestT);
      if (st.byId.length < header.value.nextId) st.byId.length = header.value.nextId;
    }
  }
  const segs = numbered(names, SEGMENT);
  for (const s of segs) if (s.n > covered) issues.push(...(await loadFile(st, dir, s.name)));
  st.findings.sort((a, b) => a.timestamp - b.timestamp);
  st.alerts.sort((a, b) => a.at - b.at);
  await enforceAgeInSlices(st, LOAD_SLICE_MS);
  return { issues, covered, lastSegment: segs[segs.length - 1]?.n ?? -1 };
}

/** Runs the open directory: a fresh segment numbered `first`, the flush and snapshot timers, close. */
function run(
  st: StoreState,
  opts: ResolvedStoreOptions,
  issues: RecoveryIssue[],
  first: number,
  log: (message: string) => void,
): Persistence {
  const dir = opts.dataDir!;
  let seq = first;
  let journal = new SegmentJournal(join(dir, `segment-${pad(seq)}.log`));
  st.journal = journal;
  const snapshot = (): void => {
    journal.close();
    const done = seq;
    seq++;
    journal = new SegmentJournal(join(dir, `segment-${pad(seq)}.log`));
    st.journal = journal;
    writeSnapshot(st, dir, done);
    for (const f of readdirSync(dir)) {
      const m = SEGMENT.exec(f) ?? SNAPSHOT.exec(f);
      if (m && Number(m[1]) <= done && f !== `snapshot-${pad(done)}.bin`)
        rmSync(join(dir, f), { force: true });
    }
  };
  // a timer must never throw into the host (disk full, directory removed): report and retry next tick
  const guarded = (what: string, fn: () => void) => () => {
    try {
      fn();
    } catch (err) {
      log(`store: ${what} in ${dir} failed: ${String(err)}; will retry`);
    }
  };
  // through the injected clock (unref'd timers on the system clock), so tests drive them with a fake one
  const stopFlush = every(
    opts.clock,
    opts.flushIntervalMs,
    guarded('flush', () => journal.flush()),
  );
  const stopSnapshots = every(opts.clock, opts.snapshotIntervalMs, guarded('snapshot', snapshot));
  let closed = false;
  return {
    issues,
    flush: async () => {
      if (!closed) journal.flush();
    },
    close: async () => {
      if (closed) return;
      closed = true;
      stopFlush();
      stopSnapshots();
      snapshot();
      journal.close();
      st.journal = undefined;
    },
  };
}

/** Writes a snapshot of everything (out-of-order buffers folded first) to a temp file, fsyncs, renames. */
function writeSnapshot(st: StoreState, dir: string, segment: number): void {
  for (const s of [...st.byLabelSet.values()]) if (s.ooo.n > 0) foldOoo(st, s.id);
  const tmp = join(dir, `snapshot-${pad(segment)}.tmp`);
  const fd = openSync(tmp, 'w');
  const put = (payload: Uint8Array): void => {
    const f = frame(payload);
    let done = 0;
    while (done < f.length) done += writeSync(fd, f, done);
  };
  const header: SnapshotHeader = { segment, newestT: st.newestT, nextId: st.byId.length };
  put(formatRecord());
  put(jsonRecord(REC.snapshotHeader, header));
  for (const s of st.byLabelSet.values()) {
    put(seriesRecord(s.id, s.labels));
    const ch = st.chunks;
    for (let c = ch.oldest(s.id); c !== NONE; c = ch.next[c]!) put(chunkRecord(s.id, ch.bytes(c)));
    if (s.headN > 0) {
      const h = s.head;
      const b = new SampleBuf();
      for (let i = 0; i < h.n; i++) b.push(s.id, h.t[i]!, h.v[i]!, h.s[i]!);
      put(b.toRecord());
    }
    (st.rollups.get(s.id) ?? []).forEach((l, i) => {
      if (l.buckets.length > 0) put(rollupRecord(s.id, i, l.buckets));
    });
  }
  for (const f of st.findings) put(jsonRecord(REC.finding, f));
  for (const a of st.alerts) put(jsonRecord(REC.alert, a));
  put(jsonRecord(REC.snapshotEnd, {}));
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, join(dir, `snapshot-${pad(segment)}.bin`));
}
