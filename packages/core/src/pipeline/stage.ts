import { type Alert, eventToAlert } from '../alert.js';
import type { AlertEvent, LogBatch, MetricBatch, SourceBatch } from '../batch.js';
import { sliceBatch } from '../batch.js';
import { type Hook, type PluginError, toPluginError } from '../errors.js';
import type { Finding } from '../finding.js';
import type { Alerter, AlerterInput, Detector, Processor, SinkBatch, StageContext } from '../plugin.js';
import type { Resolved } from './config.js';
import type { PluginStats } from './stats.js';

/** What the processing stage needs from the pipeline. */
export interface StageDeps {
  processors: Resolved<Processor>[];
  detectors: Resolved<Detector>[];
  alerters: Resolved<Alerter>[];
  stats(name: string): PluginStats;
  /** Adds to a plugin's received/sent counter and emits the event. */
  count(name: string, field: 'received' | 'sent', n: number): void;
  context(name: string, now: number): StageContext;
  isActive(name: string): boolean;
  report(err: PluginError): void;
  onFinding(f: Finding): void;
  onAlert(a: Alert): void;
  /** Hands findings to asynchronous judges. */
  toJudges(findings: readonly Finding[]): void;
  /** Fans a batch out to every sink that accepts its kind. */
  toSinks(batch: SinkBatch): Promise<void>;
  chunkSize: number;
}

const yieldToLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

// How long the graph may run on one batch before it yields, as core's snapshot encoder (state/snapshot-encode.ts)
// does: a count of samples alone let one chunk of 8192 (two scrape targets of 5000 series) run 9-14 ms through a
// detector and two rules, which was the soak's p99 event-loop delay at 100k series (docs/scaling.md).
const SLICE_MS = 4;
// the first chunk of a run, before the cost per sample is known; later chunks are sized from the last one's cost
const FIRST_CHUNK = 512;
const MIN_CHUNK = 16;

/**
 * The synchronous hot path: processors → detectors → alerters, then fan-out to sinks. Large batches are
 * processed in chunks with a yield to the event loop between them, so the host service stays responsive.
 * Every plugin call is isolated: a throw is reported and counted, and the data flow goes on.
 */
export class Stage {
  // synchronous work done since the last yield, across batches: a push source emitting small batches back to back
  // would otherwise be served through microtasks only and starve the host's event loop
  private sinceYield = 0;
  private busyMs = 0;
  // the graph's recent cost of one sample (ms), which sizes the next chunk so that one takes about SLICE_MS
  private msPerSample = 0;
  private lastChunk = 0;

  constructor(private readonly d: StageDeps) {}

  /** Runs one source batch through the graph. `now` is the clock (stream) or data time (batch). */
  async ingest(batch: SourceBatch, now: number): Promise<void> {
    if (batch.kind === 'metrics') {
      for (let start = 0; start < batch.length; ) {
        const end = Math.min(batch.length, start + this.chunkLength());
        const chunk = start === 0 && end === batch.length ? batch : sliceBatch(batch, start, end);
        // the synchronous part of the chunk's run: everything up to its first await (the sinks' hand-over)
        const t0 = performance.now();
        const done = this.metrics(chunk, 0, now);
        this.learn(chunk.length, performance.now() - t0);
        await done;
        start = end;
        this.sinceYield += chunk.length;
        // a slice's time (near enough: a chunk sized to the rest of the slice may end just short of it, and a
        // sliver of a chunk after it costs a call per plugin) or, as before, a chunk's worth of samples
        if (this.busyMs >= SLICE_MS * 0.75 || this.sinceYield >= this.d.chunkSize) {
          this.sinceYield = 0;
          this.busyMs = 0;
          await yieldToLoop();
        }
      }
    } else if (batch.kind === 'logs') {
      await this.logs(batch, now);
    } else {
      await this.events(batch.events, now);
    }
  }

  /** Samples in the next chunk: what fits in the slice's remaining time at the last measured cost. */
  private chunkLength(): number {
    const max = this.d.chunkSize;
    if (this.msPerSample <= 0) return (this.lastChunk = Math.min(max, FIRST_CHUNK));
    const left = Math.max(SLICE_MS - this.busyMs, SLICE_MS / 4);
    // at most twice the last chunk: one cheap chunk (samples no rule matches, e.g. a scrape's `up` series) must not
    // let the next run to chunkSize on the same estimate
    const n = Math.min(max, 2 * this.lastChunk, Math.floor(left / this.msPerSample));
    return (this.lastChunk = Math.max(MIN_CHUNK, n));
  }

  private learn(samples: number, ms: number): void {
    this.busyMs += ms;
    if (samples < MIN_CHUNK) return; // too few to say what one costs
    const per = ms / samples;
    // dearer samples count at once (half-way), cheaper ones slowly: batches differ in cost (series no rule matches
    // are cheap), and a chunk's time may include waiting for a core on a loaded machine
    const est = this.msPerSample;
    this.msPerSample = est <= 0 ? per : per > est ? (est + per) / 2 : est * 0.9 + per * 0.1;
  }

  /** Runs `batch` from processor index `from` on (flushed windows enter after their processor). */
  async metrics(batch: MetricBatch, from: number, now: number): Promise<void> {
    let b = batch;
    for (let i = from; i < this.d.processors.length && b.length > 0; i++) {
      const p = this.d.processors[i]!.plugin;
      if (!this.d.isActive(p.name)) continue;
      this.d.count(p.name, 'received', b.length);
      const out = this.call(p.name, 'process', () => p.process(b, this.d.context(p.name, now)));
      if (out === undefined) {
        this.d.stats(p.name).dropped += b.length;
        return;
      }
      b = out;
      this.d.count(p.name, 'sent', b.length);
    }
    if (b.length === 0) return;
    const findings = this.detect(b, now);
    const alerts = this.evaluate({ metrics: b, ...(findings.length > 0 ? { findings } : {}) }, now);
    await this.d.toSinks(b);
    if (findings.length > 0) await this.d.toSinks({ kind: 'findings', findings });
    if (alerts.length > 0) await this.d.toSinks({ kind: 'alerts', alerts });
  }

  /** Processors' `flush` at stop or at the end of a batch run; output goes through the rest of the graph. */
  async flushProcessors(now: number): Promise<void> {
    for (let i = 0; i < this.d.processors.length; i++) {
      const p = this.d.processors[i]!.plugin;
      if (!p.flush || !this.d.isActive(p.name)) continue;
      const out = this.call(p.name, 'flush', () => p.flush!(this.d.context(p.name, now)));
      if (out && out.length > 0) {
        this.d.count(p.name, 'sent', out.length);
        await this.metrics(out, i + 1, now);
      }
    }
  }

  /** The timer: detectors' `tick` (time-only findings such as absent series), then alerters, then sinks. */
  async tick(now: number): Promise<void> {
    const findings: Finding[] = [];
    for (const { plugin: d } of this.d.detectors) {
      if (!d.tick || !this.d.isActive(d.name)) continue;
      const out = this.call(d.name, 'detect', () => d.tick!(this.d.context(d.name, now)));
      if (out && out.length > 0) {
        this.d.count(d.name, 'sent', out.length);
        for (const f of out) findings.push(f);
      }
    }
    for (const f of findings) this.d.onFinding(f);
    if (findings.length > 0) this.d.toJudges(findings);
    const alerts = this.evaluate(findings.length > 0 ? { findings } : {}, now);
    if (findings.length > 0) await this.d.toSinks({ kind: 'findings', findings });
    if (alerts.length > 0) await this.d.toSinks({ kind: 'alerts', alerts });
  }

  /** Alerter evaluation without data (the timer) or with health changes / late verdicts. */
  async evaluateOnly(input: AlerterInput, now: number): Promise<void> {
    if (input.updatedFindings && input.updatedFindings.length > 0) {
      await this.d.toSinks({ kind: 'findings', findings: input.updatedFindings });
    }
    const alerts = this.evaluate(input, now);
    if (alerts.length > 0) await this.d.toSinks({ kind: 'alerts', alerts });
  }

  private detect(b: MetricBatch, now: number): Finding[] {
    const findings: Finding[] = [];
    for (const { plugin: d } of this.d.detectors) {
      if (!d.detect || !this.d.isActive(d.name)) continue;
      this.d.count(d.name, 'received', b.length);
      const out = this.call(d.name, 'detect', () => d.detect!(b, this.d.context(d.name, now)));
      if (out && out.length > 0) {
        this.d.count(d.name, 'sent', out.length);
        for (const f of out) findings.push(f);
      }
    }
    for (const f of findings) this.d.onFinding(f);
    if (findings.length > 0) this.d.toJudges(findings);
    return findings;
  }

  private evaluate(input: AlerterInput, now: number): Alert[] {
    const alerts: Alert[] = [];
    for (const { plugin: a } of this.d.alerters) {
      if (!this.d.isActive(a.name)) continue;
      const n = inputCount(input);
      if (n > 0) this.d.count(a.name, 'received', n);
      const out = this.call(a.name, 'evaluate', () => a.evaluate(input, this.d.context(a.name, now)));
      if (out && out.length > 0) {
        this.d.count(a.name, 'sent', out.length);
        for (const al of out) alerts.push(al);
      }
    }
    for (const a of alerts) this.d.onAlert(a);
    return alerts;
  }

  private async logs(batch: LogBatch, now: number): Promise<void> {
    let b = batch;
    for (const { plugin: p } of this.d.processors) {
      if (!p.processLogs || !this.d.isActive(p.name)) continue;
      const out = this.call(p.name, 'process', () => p.processLogs!(b, this.d.context(p.name, now)));
      if (out === undefined) return;
      b = out;
    }
    if (b.records.length === 0) return;
    const alerts = this.evaluate({ logs: b }, now);
    await this.d.toSinks(b);
    if (alerts.length > 0) await this.d.toSinks({ kind: 'alerts', alerts });
  }

  private async events(events: readonly AlertEvent[], now: number): Promise<void> {
    if (events.length === 0) return;
    const active = this.d.alerters.some((a) => this.d.isActive(a.plugin.name));
    // with no alert manager in the pipeline, external alerts still reach alert sinks as they are
    const alerts = active ? this.evaluate({ events }, now) : events.map(eventToAlert);
    if (!active) for (const a of alerts) this.d.onAlert(a);
    if (alerts.length > 0) await this.d.toSinks({ kind: 'alerts', alerts });
  }

  private call<T>(plugin: string, hook: Hook, fn: () => T): T | undefined {
    try {
      return fn();
    } catch (err) {
      this.d.stats(plugin).errors++;
      this.d.report(toPluginError(err, plugin, hook));
      return undefined;
    }
  }
}

function inputCount(i: AlerterInput): number {
  return (
    (i.metrics?.length ?? 0) +
    (i.findings?.length ?? 0) +
    (i.updatedFindings?.length ?? 0) +
    (i.logs?.records.length ?? 0) +
    (i.events?.length ?? 0) +
    (i.health?.length ?? 0)
  );
}
