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
    '',
  ];
}

function throughputTable(rows) {
  const head = ['series', 'samples/run', 'runs', 'end-to-end', 'tight loop', 'ratio', 'target ≥ 0.33'];
  head.push('overhead/batch', 'no sink (diagnostic)');
  return table(
    head,
    rows.map((t) => [
      fmtInt(t.series),
      fmtInt(t.samplesPerRun),
      t.repeats,
      fmtRate(t.pipelineRate),
      fmtRate(t.tightRate),
      t.ratio.toFixed(2),
      mark(t.ratio >= 1 / 3),
      `${t.overheadUsPerBatch.toFixed(0)} µs`,
      `${fmtRate(t.noSinkRate)} (${t.noSinkRatio.toFixed(2)})`,
    ]),
  );
}

function delayTable(idle, rows) {
  const body = rows.map((d) => [
    fmtInt(d.series),
    fmtInt(d.chunkSize),
    fmtRate(d.rate),
    fmtMs(d.p50Ms),
    fmtMs(d.p99Ms),
    fmtMs(d.maxMs),
    mark(d.p99Ms < 10),
  ]);
  body.unshift(['–', 'idle loop', '–', fmtMs(idle.p50Ms), fmtMs(idle.p99Ms), fmtMs(idle.maxMs), '–']);
  return table(['series', 'chunkSize', 'end-to-end', 'p50', 'p99', 'max', 'target p99 < 10'], body);
}

function memoryTable(rows) {
  const head = ['series', 'interned labels (registry)', 'interned labels (pipeline)', 'runtime state'];
  head.push('of which array buffers', 'target runtime ≤ 200');
  return table(
    head,
    rows.map((m) => [
      fmtInt(m.series),
      m.registry.bytesPerSeries.toFixed(0),
      m.pipeline.labelsBytesPerSeries.toFixed(0),
      m.pipeline.runtimeBytesPerSeries.toFixed(1),
      m.pipeline.runtimeBufferBytesPerSeries.toFixed(1),
      mark(m.pipeline.runtimeBytesPerSeries <= 200),
    ]),
  );
}

/** The whole report as Markdown. */
function embedTable(rows) {
  const head = [
    'series',
    'what reads the registry',
    'CPU per read (ms)',
    'share of a core',
    'per 100k series',
  ];
  head.push('target ≤ 10 %', 'bytes per series (heap + buffers)', 'target ≤ 500');
  const out = [];
  for (const r of rows) {
    for (const [label, key] of [
      ['prom-client `registry.metrics()`', 'plain'],
      ['`startArgus` (preset, every series watched)', 'argus'],
    ]) {
      const x = r[key];
      const argus = key === 'argus';
      out.push([
        fmtInt(r.series),
        label,
        x.cpuMsPerRead.toFixed(1),
        `${(100 * x.coreShare).toFixed(1)} %`,
        `${(100 * x.coreSharePer100k).toFixed(1)} %`,
        argus ? mark(x.coreSharePer100k <= 0.1) : '–',
        x.bytesPerSeries.toFixed(0),
        argus ? mark(x.bytesPerSeries <= 500) : '–',
      ]);
    }
  }
  return table(head, out);
}

export function markdown(result) {
  const { machine: m } = result;
  const out = [
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB; Node ${m.node}; ${result.date}; commit ${result.commit}`,
    '',
  ];
  if (result.throughput) {
    out.push('### Throughput (source → processor → detector → sink), samples/s', '');
    out.push(...throughputTable(result.throughput));
  }
  if (result.delay) {
    out.push('### Event-loop delay added while the pipeline runs (ms)', '');
    out.push(...delayTable(result.idle, result.delay));
  }
  if (result.memory) {
    out.push('### Memory per active series (bytes, heap + array buffers)', '');
    out.push(...memoryTable(result.memory));
  }
  if (result.embed) {
    out.push('### Embedded: startArgus watching a prom-client registry read every second', '');
    out.push(...embedTable(result.embed));
  }
  return out.join('\n');
}
