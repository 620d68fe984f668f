// Event-loop delay that a pause really leaves out, and what each long stall was made of.
// Node's monitorEventLoopDelay() cannot leave a pause out: disable() stops its timer but keeps the time of its last
// run, so the first run after enable() records the whole pause — the soak's forced GCs (its post-GC heap readings)
// would count as delay. This sampler does what the native one does — a 1 ms timer that records the time between its
// runs — and forgets its last run when paused. For every interval over `stallMs` it also keeps the CPU time the
// process used in it and the GC time V8 reported in it: a stall with little CPU is the process waiting for a core
// (other work on the machine), one mostly GC is the collector, the rest is JavaScript run without yielding.
import { createHistogram, PerformanceObserver, performance } from 'node:perf_hooks';

/** A 1 ms sampler with the histogram interface `summarise()` reads (count, percentile(), max, in ns). */
export function loopDelaySampler({ stallMs = 100, slowMs = 10 } = {}) {
  const histogram = createHistogram();
  const stalls = [];
  // every interval over `slowMs` (the soak's p99 goal): how many, and their bounds on the monotonic clock (µs, as
  // `--cpu-prof` profiles count time), so that a profile of the same run shows what ran in each of them
  const slow = { count: 0, cpuMs: 0, wallMs: 0, spans: [] };
  // the process's CPU time inside every interval: on a shared machine the wall time of an interval includes waiting
  // for a core, its CPU time does not (it does include GC helper threads, so it is an upper bound on one step)
  const cpuHistogram = createHistogram();
  let prevMono = 0n;
  const gcs = []; // [start, end] of recent GCs, ms on performance.now()'s clock
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push([e.startTime, e.startTime + e.duration]);
    if (gcs.length > 1000) gcs.splice(0, gcs.length - 1000);
  });
  observer.observe({ entryTypes: ['gc'] });
  let timer;
  let prev = 0;
  let prevCpu;
  const gcWithin = (from, to) =>
    gcs.reduce((ms, [s, e]) => ms + Math.max(0, Math.min(e, to) - Math.max(s, from)), 0);
  const tick = () => {
    const now = performance.now();
    const mono = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    if (prev > 0) {
      const ms = now - prev;
      histogram.record(Math.max(1, Math.round(ms * 1e6)));
      const cpuMs = (cpu.user - prevCpu.user + cpu.system - prevCpu.system) / 1000;
      cpuHistogram.record(Math.max(1, Math.round(cpuMs * 1e6)));
      if (ms >= slowMs) {
        slow.count++;
        slow.wallMs += ms;
        slow.cpuMs += cpuMs;
        if (slow.spans.length < 100_000) slow.spans.push([Number(prevMono / 1000n), Number(mono / 1000n)]);
      }
      if (ms >= stallMs) {
        stalls.push({
          atMs: Math.round(now),
          ms: Math.round(ms),
          cpuMs: Math.round(cpuMs),
          gcMs: Math.round(gcWithin(prev, now)),
        });
      }
    }
    prev = now;
    prevMono = mono;
    prevCpu = cpu;
  };
  return {
    histogram,
    /** The process's CPU time inside each interval, same interface (ns). */
    cpuHistogram,
    /** Intervals over `stallMs`: when, how long, CPU used by the process and GC time inside them. */
    stalls,
    /** Intervals over `slowMs`: count, wall and CPU time summed, and their monotonic bounds in µs. */
    slow,
    enable() {
      if (timer) return;
      prev = 0; // the first interval starts now, not at the last run before the pause
      timer = setInterval(tick, 1);
    },
    disable() {
      clearInterval(timer);
      timer = undefined;
    },
    close() {
      this.disable();
      observer.disconnect();
    },
  };
}
