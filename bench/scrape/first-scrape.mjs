// The first scrape of a page, as the scrape source runs it: parseSliced() in slices, giving the loop back in
// between. Measures the whole page's rate (CPU of the process while parsing, and wall time) and the longest
// stretch the loop was held, from monitorEventLoopDelay (added delay beyond its 1 ms resolution) and from timing
// every slice, in wall time and in CPU time (on a loaded machine the wall time includes time the process was not
// running at all). The CPU time is the process's: V8's helper threads (concurrent compilation and marking, the
// freeing of array buffers) count in it while the main thread may be held for less, so the time a slice held the
// loop is at most the smaller of the two ("both"). Each run uses a fresh parser and series registry: every series
// is new.
import { monitorEventLoopDelay } from 'node:perf_hooks';

export async function firstScrape({
  page,
  samples,
  runs,
  createScrapeParser,
  createSeriesRegistry,
  MetricBatchBuilder,
}) {
  const out = [];
  for (let r = 0; r < runs; r++) {
    const parser = createScrapeParser({
      series: createSeriesRegistry(),
      targetLabels: { job: 'bench', instance: 'h:1' },
    });
    const builder = new MetricBatchBuilder(samples);
    let longestSliceMs = 0;
    let longestSliceCpuMs = 0;
    let sliceStart = performance.now();
    let sliceCpu = process.cpuUsage();
    let slices = 0;
    let slicesOver10Cpu = 0;
    let slicesOver10Wall = 0;
    let slicesOver10Both = 0;
    const histogram = monitorEventLoopDelay({ resolution: 1 });
    histogram.enable();
    await new Promise((r) => setTimeout(r, 5));
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    sliceStart = t0;
    sliceCpu = process.cpuUsage();
    const endSlice = () => {
      const wall = performance.now() - sliceStart;
      const c = process.cpuUsage(sliceCpu);
      const cpuMs = (c.user + c.system) / 1000;
      longestSliceMs = Math.max(longestSliceMs, wall);
      longestSliceCpuMs = Math.max(longestSliceCpuMs, cpuMs);
      if (cpuMs > 10) slicesOver10Cpu++;
      if (wall > 10) slicesOver10Wall++;
      if (wall > 10 && cpuMs > 10) slicesOver10Both++;
    };
    await parser.parseSliced(page, 'text', 1, builder, {
      yield: () =>
        new Promise((resolve) => {
          endSlice();
          slices++;
          setImmediate(() => {
            sliceStart = performance.now();
            sliceCpu = process.cpuUsage();
            resolve();
          });
        }),
    });
    endSlice();
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    await new Promise((r) => setTimeout(r, 5));
    histogram.disable();
    builder.build();
    out.push({
      rate: samples / (wallMs / 1000),
      cpuRate: samples / ((cpu.user + cpu.system) / 1e6),
      slices: slices + 1,
      longestSliceMs,
      longestSliceCpuMs,
      slicesOver10Cpu,
      slicesOver10Wall,
      slicesOver10Both,
      maxLoopDelayMs: Math.max(0, histogram.max / 1e6 - 1),
    });
  }
  const best = out.reduce((a, b) => (b.cpuRate > a.cpuRate ? b : a));
  return {
    runs: out,
    best,
    longestSliceMs: Math.max(...out.map((x) => x.longestSliceMs)),
    longestSliceCpuMs: Math.max(...out.map((x) => x.longestSliceCpuMs)),
    slicesOver10Cpu: out.reduce((n, x) => n + x.slicesOver10Cpu, 0),
    slicesOver10Wall: out.reduce((n, x) => n + x.slicesOver10Wall, 0),
    slicesOver10Both: out.reduce((n, x) => n + x.slicesOver10Both, 0),
  };
}
