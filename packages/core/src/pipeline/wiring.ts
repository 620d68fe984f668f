import type { SourceBatch } from '../batch.js';
import type { Clock } from '../clock.js';
import type { Finding } from '../finding.js';
import type { Alerter, Detector, Processor, Sink, SinkBatch, Source, SourceHealth } from '../plugin.js';
import type { Resolved } from './config.js';
import type { PluginContexts } from './contexts.js';
import { JudgeRunner } from './judge-runner.js';
import { SinkRunner } from './sink-runner.js';
import { SourceRunner } from './source-runner.js';
import { Stage } from './stage.js';
import type { Telemetry } from './telemetry.js';

/** What the moving parts are built from: the resolved entries and the pipeline's services. */
export interface WiringDeps {
  readonly clock: Clock;
  readonly sources: readonly Resolved<Source>[];
  readonly processors: Resolved<Processor>[];
  readonly detectors: Resolved<Detector>[];
  readonly alerters: Resolved<Alerter>[];
  readonly sinks: readonly Resolved<Sink>[];
  readonly contexts: PluginContexts;
  readonly telemetry: Telemetry;
  /** Names of the plugins started and not yet stopped. */
  readonly active: ReadonlySet<string>;
  /** Aborts when shutdown is forced. */
  readonly force: AbortSignal;
  readonly chunkSize: number;
  /** The time stage calls see: the clock (stream) or the data's time (batch). */
  now(): number;
  /** Serialises work on the stage. */
  enqueue(work: () => Promise<void>): Promise<void>;
  /** Hands a source's batch to the graph. */
  ingest(batch: SourceBatch): Promise<void>;
}

/** The moving parts of a pipeline, built once from its resolved entries. */
export interface Wiring {
  readonly sources: SourceRunner[];
  readonly sinks: SinkRunner[];
  readonly judges: JudgeRunner[];
  readonly stage: Stage;
}

/** Connects runners and the stage to the pipeline's counters, events and error routing. */
export function wire(d: WiringDeps): Wiring {
  const { telemetry: t, contexts, force, active } = d;
  const base = (name: string) => ({
    clock: d.clock,
    stats: contexts.stats(name),
    context: (signal: AbortSignal, deadline: number) => contexts.plugin(name, signal, deadline),
    report: t.report.bind(t),
    force,
  });
  const sinks = d.sinks.map(
    (e) =>
      new SinkRunner(e, {
        ...base(e.plugin.name),
        base: contexts.base(e.plugin.name),
        dropped: (n, reason) => t.dropped(e.plugin.name, n, reason),
        received: (n) => t.count(e.plugin.name, 'received', n),
        sent: (n) => t.count(e.plugin.name, 'sent', n),
        blocked: (queued) => t.emit('blocked', { plugin: e.plugin.name, queued }),
      }),
  );
  // Fans a batch out to every sink accepting its kind; waits only for `block` buffers.
  const toSinks = async (batch: SinkBatch): Promise<void> => {
    const waits: Promise<void>[] = [];
    for (const r of sinks) {
      if (r.accepts(batch.kind) && (active.has(r.name) || r.entry.onStartError === 'retry'))
        waits.push(r.offer(batch));
    }
    if (waits.length > 0) await Promise.all(waits);
  };
  // Verdicts of asynchronous judges arrive after their batch: alerters evaluate them on their own.
  const lateVerdicts = (findings: Finding[]): Promise<void> => {
    for (const f of findings) t.emit('findingUpdated', f);
    return stage.evaluateOnly({ updatedFindings: findings }, d.now());
  };
  const health = (h: SourceHealth): void => {
    t.emit('health', h);
    if (d.alerters.length > 0) void d.enqueue(() => stage.evaluateOnly({ health: [h] }, d.now()));
  };
  const judges = d.detectors
    .filter((e) => e.plugin.judge)
    .map(
      (e) =>
        new JudgeRunner(e, {
          ...base(e.plugin.name),
          updated: (findings: Finding[]) => d.enqueue(() => lateVerdicts(findings)),
          count: (field: 'received' | 'sent', n: number) => t.count(e.plugin.name, field, n),
          dropped: (n) => t.dropped(e.plugin.name, n, 'judgeQueueFull'),
        }),
    );
  const sources = d.sources.map(
    (e) =>
      new SourceRunner(e, {
        ...base(e.plugin.name),
        ingest: (batch) => d.ingest(batch),
        sent: (n) => t.count(e.plugin.name, 'sent', n),
        health,
      }),
  );
  const stage = new Stage({
    processors: d.processors,
    detectors: d.detectors,
    alerters: d.alerters,
    count: (name, field, n) => t.count(name, field, n),
    stats: (n) => contexts.stats(n),
    context: (n, now) => contexts.stage(n, now),
    isActive: (n) => active.has(n),
    report: (err) => t.report(err),
    onFinding: (f) => t.emit('finding', f),
    onAlert: (a) => t.emit('alert', a),
    toJudges: (fs) => {
      for (const j of judges) if (active.has(j.name)) j.offer(fs);
    },
    toSinks,
    chunkSize: d.chunkSize,
  });
  return { sources, sinks, judges, stage };
}
