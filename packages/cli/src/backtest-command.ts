// `argus backtest`: runs a rule file (or one expression) over the history in --data-dir, as the rules would have
// run live (@argus/alerting's backtest replaying the rule groups), and prints every alert state change. Recording
// rules write into a scratch layer over the data directory, which is never written.
import { readFileSync } from 'node:fs';
import { backtest, ruleGroups } from '@argus/alerting';
import type { Alert } from '@argus/core';
import { storeQueryable } from '@argus/promql';
import { createStore } from '@argus/store';
import type { Io } from './format.js';
import { retentionMs, type StoreFlags } from './promql-commands.js';

/** What `argus backtest` needs. */
export interface BacktestFlags extends StoreFlags {
  /** A rule file, or undefined with `expr`. */
  file?: string | undefined;
  /** One expression, run as an alerting rule named `expr` at `--step`. */
  expr?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  /** Interval of the `--expr` rule. @default '1m' */
  step?: string | undefined;
}

/** RFC 3339 or Unix seconds, as Prometheus's API takes times; `now` and `now-<duration>` too. */
export function parseTime(raw: string, flag: string, now: number): number {
  const rel = /^now(?:-(\d+)([smhdw]))?$/.exec(raw);
  if (rel) {
    const unit = { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7, w: 6.048e8 }[rel[2] as 's'] ?? 0;
    return now - Number(rel[1] ?? 0) * unit;
  }
  const n = Number(raw);
  if (raw.trim() !== '' && Number.isFinite(n)) return Math.round(n * 1000);
  const t = Date.parse(raw);
  if (Number.isNaN(t))
    throw new Error(
      `--${flag} must be RFC 3339, Unix seconds or now-<n><s|m|h|d|w>, got ${JSON.stringify(raw)}`,
    );
  return t;
}

function ruleText(f: BacktestFlags): { file: string; text: string } {
  if (f.file !== undefined && f.expr !== undefined) throw new Error('give a rule file or --expr, not both');
  if (f.file !== undefined) return { file: f.file, text: readFileSync(f.file, 'utf8') };
  if (f.expr === undefined) throw new Error('backtest needs a rule file or --expr <expression>');
  const text = JSON.stringify({
    groups: [{ name: 'backtest', interval: f.step ?? '1m', rules: [{ alert: 'expr', expr: f.expr }] }],
  });
  return { file: '--expr', text };
}

const show = (a: Alert): string => {
  const labels = Object.entries(a.labels)
    .filter(([k]) => k !== 'alertname')
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ');
  return `${a.labels['alertname']}{${labels}}`;
};

/** A progress bar on a TTY (redrawn in place), a plain line per tenth otherwise. */
function progress(io: Io): (done: number, total: number) => void {
  let last = -1;
  return (done, total) => {
    const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
    if (io.tty) {
      if (pct === last) return;
      const bar = '#'.repeat(Math.floor(pct / 5)).padEnd(20, '-');
      io.stderr(`\rargus: backtest [${bar}] ${String(pct).padStart(3)}%`);
      if (done === total) io.stderr('\n');
    } else if (Math.floor(pct / 10) !== Math.floor(last / 10) || done === total) {
      io.stderr(`argus: backtest ${pct}% (${done} of ${total} evaluations)\n`);
    }
    last = pct;
  };
}

/**
 * `argus backtest <rules.yml> | --expr <e> --data-dir <dir> [--from t] [--to t] [--step d]`: every group evaluated
 * at its interval over [from, to) on the stored history, recording rules feeding later rules; prints each alert
 * state change and a summary. Exit 0 whether or not anything fired.
 */
export async function backtestCommand(f: BacktestFlags, io: Io, now: number = Date.now()): Promise<number> {
  const to = parseTime(f.to ?? 'now', 'to', now);
  const from = parseTime(f.from ?? 'now-1h', 'from', now);
  if (!(from < to)) throw new Error('--from must be before --to');
  const rules = ruleText(f);
  const store = createStore({ dataDir: f.dataDir, retentionMs: retentionMs(f.retention) });
  await store.open({ log: (m) => io.stderr(`argus: ${m}\n`) });
  // the rule groups write what they record here, never into --data-dir; the backtest itself replays a copy of them
  const scratch = createStore({ retentionMs: Math.max(to - from, 1) + 86_400_000 });
  try {
    const groups = ruleGroups({ files: [rules], queryable: storeQueryable(store), appender: scratch });
    // one evaluation first, to report rules that fail (a type error, many-to-many matching) before the long run
    await groups.evaluateAt(from);
    const errors = groups
      .rules()
      .groups.flatMap((g) =>
        g.rules.filter((r) => r['health'] === 'err').map((r) => `${g.name}/${r['name']}: ${r['lastError']}`),
      );
    for (const e of errors) io.stderr(`argus: rule ${e} (at --from)\n`);
    let evaluations = 0;
    const tick = progress(io);
    const transitions = await backtest([groups.alerter], {
      from,
      to,
      stepMs: 60_000,
      onProgress: (done, total) => {
        evaluations = total;
        tick(done, total);
      },
    });
    const counts = { pending: 0, firing: 0, resolved: 0, inactive: 0 };
    for (const { at, alert } of transitions) {
      counts[alert.state as keyof typeof counts]++;
      io.stdout(
        `${new Date(at).toISOString()} ${alert.state.padEnd(8)} ${show(alert)} value=${alert.value}\n`,
      );
    }
    io.stdout(
      `argus: backtest of ${rules.file} over ${new Date(from).toISOString()} … ${new Date(to).toISOString()}: ` +
        `${evaluations} evaluations, ${counts.firing} firing, ${counts.resolved} resolved, ${counts.pending} pending` +
        ` (${counts.inactive} pending dropped)\n`,
    );
    return 0;
  } finally {
    await scratch.close();
    await store.close();
  }
}
