import type { PluginError } from '../errors.js';
import type { Finding } from '../finding.js';
import { JudgeRunner } from './judge-runner.js';
import type { Pipeline } from './pipeline.js';
import { SinkRunner } from './sink-runner.js';
import { SourceRunner } from './source-runner.js';
import { Stage } from './stage.js';

/** The moving parts of a pipeline, built once from its resolved entries. */
export interface Wiring {
  sources: SourceRunner[];
  sinks: SinkRunner[];
  judges: JudgeRunner[];
  stage: Stage;
}

/** Connects runners and the stage to the pipeline's counters, events and error routing. */
export function wire(p: Pipeline): Wiring {
  const force = p.forceCtl.signal;
  const base = (name: string) => ({
    clock: p.clock,
    stats: p.stats(name),
    context: (signal: AbortSignal, deadline: number) => p.context(name, signal, deadline),
    report: (err: PluginError) => p.telemetry.report(err),
    force,
  });
  const sinks = p.sinks.map(
    (e) =>
      new SinkRunner(e, {
        ...base(e.plugin.name),
        base: p.baseContext(e.plugin.name),
        dropped: (n, reason) => p.telemetry.dropped(e.plugin.name, n, reason),
        received: (n) => p.telemetry.count(e.plugin.name, 'received', n),
        sent: (n) => p.telemetry.count(e.plugin.name, 'sent', n),
        blocked: (queued) => p.telemetry.emit('blocked', { plugin: e.plugin.name, queued }),
      }),
  );
  const judges = p.detectors
    .filter((e) => e.plugin.judge)
    .map(
      (e) =>
        new JudgeRunner(e, {
          ...base(e.plugin.name),
          updated: (findings: Finding[]) => p.enqueue(() => p.lateVerdicts(findings)),
          count: (field: 'received' | 'sent', n: number) => p.telemetry.count(e.plugin.name, field, n),
          dropped: (n) => p.telemetry.dropped(e.plugin.name, n, 'judgeQueueFull'),
        }),
    );
  const sources = p.sources.map(
    (e) =>
      new SourceRunner(e, {
        ...base(e.plugin.name),
        ingest: (batch) => p.ingest(batch),
        sent: (n) => p.telemetry.count(e.plugin.name, 'sent', n),
        health: (h) => p.onHealth(h),
      }),
  );
  const stage = new Stage({
    processors: p.processors,
    detectors: p.detectors,
    alerters: p.alerters,
    count: (name, field, n) => p.telemetry.count(name, field, n),
    stats: (n) => p.stats(n),
    context: (n, now) => p.stageContext(n, now),
    isActive: (n) => p.active.has(n),
    report: (err) => p.telemetry.report(err),
    onFinding: (f) => p.telemetry.emit('finding', f),
    onAlert: (a) => p.telemetry.emit('alert', a),
    toJudges: (fs) => {
      for (const j of judges) if (p.active.has(j.name)) j.offer(fs);
    },
    toSinks: (b) => p.toSinks(b),
    chunkSize: p.settings.chunkSize,
  });
  return { sources, sinks, judges, stage };
}
