// Event-loop delay that a pause really leaves out, and what each long stall was made of.
// Node's monitorEventLoopDelay() cannot leave a pause out: disable() stops its timer but keeps the time of its last
// run, so the first run after enable() records the whole pause — the soak's forced GCs (its post-GC heap readings)
// would count as delay. This sampler does what the native one does — a 1 ms timer that records the time between its
// runs — and forgets its last run when paused. For every interval over `stallMs` it also keeps the CPU time the
// process used in it and the GC time V8 reported in it: a stall with little CPU is the process waiting for a core
// (other work on the machine), one mostly GC is the collector, the rest is JavaScript run without yielding.
import { createHistogram, PerformanceObserver, performance } from 'node:perf_hooks';

/** A 1 ms sampler with the histogram interface `summarise()` reads (count, percentile(), max, in ns). */
export function loopDelaySampler({ stallMs = 100 } = {}) {
  const histogram = createHistogram();
  const stalls = [];
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
    const cpu = process.cpuUsage();
    if (prev > 0) {
      const ms = now - prev;
      histogram.record(Math.max(1, Math.round(ms * 1e6)));
      if (ms >= stallMs) {
        const cpuMs = (cpu.user - prevCpu.user + cpu.system - prevCpu.system) / 1000;
        stalls.push({
          atMs: Math.round(now),
          ms: Math.round(ms),
          cpuMs: Math.round(cpuMs),
          gcMs: Math.round(gcWithin(prev, now)),
        });
      }
    }
    prev = now;
    prevCpu = cpu;
  };
  return {
    histogram,
    /** Intervals over `stallMs`: when, how long, CPU used by the process and GC time inside them. */
    stalls,
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
