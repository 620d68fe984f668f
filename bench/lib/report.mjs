// Markdown tables for stdout and docs/benchmarks.md.

const fmtRate = (r) => (r >= 1e6 ? `${(r / 1e6).toFixed(2)} M/s` : `${(r / 1e3).toFixed(1)} k/s`);
const fmtMs = (ms) => ms.toFixed(2);
const fmtInt = (n) => n.toLocaleString('en-US');
const mark = (ok) => (ok ? 'met' : '**missed**');

function table(head, rows) {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}

/** The whole report as Markdown. */
export function markdown(result) {
  const { machine, throughput, delay, idle, memory } = result;
  const out = [
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB; Node ${machine.node}; ${result.date}; commit ${result.commit}`,
    '',
  ];
  if (throughput) {
    out.push('### Throughput (source → processor → detector → sink)', '');
    out.push(
      ...table(
        [
          'series',
          'samples/run',
          'runs',
          'end-to-end',
          'tight loop',
          'ratio',
          'overhead/batch',
          'target ≥ 0.33',
        ],
        throughput.map((t) => [
          fmtInt(t.series),
          fmtInt(t.samplesPerRun),
          t.repeats,
          fmtRate(t.pipelineRate),
          fmtRate(t.tightRate),
          t.ratio.toFixed(2),
          `${t.overheadUsPerBatch.toFixed(0)} µs`,
          mark(t.ratio >= 1 / 3),
        ]),
      ),
      '',
    );
  }
  if (delay) {
    out.push('### Event-loop delay added while the pipeline runs (ms)', '');
    const rows = delay.map((d) => [
      fmtInt(d.series),
      d.chunkSize ? fmtInt(d.chunkSize) : 'idle',
      d.rate ? fmtRate(d.rate) : '–',
      fmtMs(d.p50Ms),
      fmtMs(d.p99Ms),
      fmtMs(d.maxMs),
      d.chunkSize ? mark(d.p99Ms < 10) : '–',
    ]);
    rows.unshift(['–', 'idle', '–', fmtMs(idle.p50Ms), fmtMs(idle.p99Ms), fmtMs(idle.maxMs), '–']);
    out.push(
      ...table(['series', 'chunkSize', 'end-to-end', 'p50', 'p99', 'max', 'target p99 < 10'], rows),
      '',
    );
  }
  if (memory) {
    out.push('### Memory per active series (bytes, heap + array buffers)', '');
    out.push(
      ...table(
        [
          'series',
          'interned labels (registry)',
          'interned labels (pipeline)',
          'runtime state',
          'of which array buffers',
          'target runtime ≤ 200',
        ],
        memory.map((m) => [
          fmtInt(m.series),
          m.registry.bytesPerSeries.toFixed(0),
          m.pipeline.labelsBytesPerSeries.toFixed(0),
          m.pipeline.runtimeBytesPerSeries.toFixed(1),
          m.pipeline.runtimeBufferBytesPerSeries.toFixed(1),
          mark(m.pipeline.runtimeBytesPerSeries <= 200),
        ]),
      ),
      '',
    );
  }
  return out.join('\n');
}
