// Judgement on a schedule: chosen series are reviewed every `intervalMs` even when no statistical detector
// flagged them. A round runs on the plugin's clock, off the stage, through the same guards as every call (budget,
// breaker, slots); a round still running when the next is due is skipped, never overlapped. Confirmed anomalies
// wait in a queue that the detector's synchronous `tick` hands to the pipeline: nothing here waits on the stage,
// and the stage never waits on the model.
import {
  type Finding,
  type FindingKind,
  type FindingVerdict,
  labelsKey,
  newFindingId,
  type PluginContext,
  parseMatchers,
  type TimerHandle,
} from '@argus/core';
import type { JudgeState } from './ask.js';
import type { HistorySeries } from './history.js';
import { judgeOne } from './judge.js';

const KINDS: ReadonlySet<string> = new Set<FindingKind>([
  'spike',
  'dip',
  'levelShift',
  'trend',
  'seasonalDeviation',
  'flatline',
  'missing',
]);

const MAX_PENDING = 1_000;

/** The running schedule: `drain` takes the confirmed findings so far, `stop` ends it. */
export interface Schedule {
  drain(): Finding[];
  stop(): void;
  /** Resolves when the round in progress (if any) has ended; for tests and shutdown. */
  idle(): Promise<void>;
}

type Ctx = Pick<PluginContext, 'log' | 'metrics' | 'series'>;

/** The series the selectors choose that have a sample within the recent window, with their last value. */
async function chosen(s: JudgeState, now: number): Promise<HistorySeries[]> {
  const sched = s.opts.schedule!;
  const windowMs = s.opts.summary.windowMs;
  const seen = new Map<string, HistorySeries>();
  for (const sel of sched.series) {
    const found = await s.opts.history!.range({
      matchers: parseMatchers(sel),
      from: now + 1 - windowMs,
      to: now + 1,
      stepMs: windowMs,
      agg: 'last',
    });
    for (const f of found) if (f.values.length > 0) seen.set(labelsKey(f.labels), f);
  }
  return [...seen.values()].slice(0, sched.maxSeries);
}

function confirmedFinding(s: JudgeState, subject: Finding, v: FindingVerdict): Finding {
  const kind = String(v.details?.['kind']);
  return {
    ...subject,
    id: newFindingId(),
    score: typeof v.details?.['confidence'] === 'number' ? v.details['confidence'] : 1,
    // the model may answer `other`, which is no finding kind: a level shift is the most general of them
    kind: KINDS.has(kind) ? (kind as FindingKind) : 'levelShift',
    detector: s.opts.name,
    explanation: v.explanation ?? 'confirmed by a scheduled review',
    verdicts: [v],
  };
}

async function round(s: JudgeState, ctx: Ctx, out: Finding[]): Promise<void> {
  const now = s.clock.now();
  const call = { ...ctx, signal: s.stopping.signal, deadline: now + s.opts.schedule!.intervalMs };
  let series: HistorySeries[];
  try {
    series = await chosen(s, now);
  } catch (err) {
    ctx.log.warn(`${s.opts.name}: scheduled review could not read the chosen series`, { error: String(err) });
    return;
  }
  for (const h of series) {
    if (s.stopping.signal.aborted) return;
    const subject: Finding = {
      id: '',
      series: ctx.series.intern(h.labels),
      timestamp: now,
      value: h.values[h.values.length - 1]!,
      score: 0,
      kind: 'levelShift',
      detector: s.opts.name,
      explanation: '',
    };
    const v = await judgeOne(s, subject, call, true);
    ctx.metrics.count('scheduled');
    if (!v.confirmed) continue;
    // a pipeline that never ticks must not make this grow without end: the oldest give way
    if (out.length >= MAX_PENDING) out.shift();
    out.push(confirmedFinding(s, subject, v));
  }
}

/** Starts the schedule of `s.opts.schedule`; the first round runs one interval after start. */
export function startSchedule(s: JudgeState, ctx: Ctx): Schedule {
  const pending: Finding[] = [];
  let running: Promise<void> | undefined;
  let handle: TimerHandle | undefined;
  const due = (): void => {
    handle = s.clock.setTimeout(due, s.opts.schedule!.intervalMs);
    if (running) {
      ctx.metrics.count('scheduled.skipped');
      return;
    }
    running = round(s, ctx, pending).finally(() => {
      running = undefined;
    });
  };
  handle = s.clock.setTimeout(due, s.opts.schedule!.intervalMs);
  return {
    drain: () => pending.splice(0, pending.length),
    stop() {
      if (handle !== undefined) s.clock.clearTimeout(handle);
      handle = undefined;
    },
    idle: async () => {
      await running;
    },
  };
}
