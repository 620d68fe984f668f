// The embedded preset's cost: startArgus watching a prom-client registry read every second, beside the same
// registry with nothing reading it (idle) and with prom-client serialising it every second (plain). Each
// measurement runs in a fresh process (bench/embed/child.mjs); rounds alternate the modes so machine noise
// spreads over all three.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const child = fileURLToPath(new URL('../embed/child.mjs', import.meta.url));
const MODES = ['idle', 'plain', 'argus'];

function runChild(mode, series, reads) {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--expose-gc', child, mode, String(series), String(reads)],
      { maxBuffer: 1 << 20, timeout: 600_000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${mode} ${series}: ${err.message}\n${stderr}`));
        else resolve(JSON.parse(stdout.trim().split('\n').pop()));
      },
    );
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * For each series count: `rounds` × (idle, plain, argus), each its own process with `reads` reads one second
 * apart. Reports medians of CPU per read and of memory per series, each beyond the idle process's.
 */
export async function embedCost({ sizes, reads, rounds, log }) {
  const rows = [];
  for (const series of sizes) {
    const runs = Object.fromEntries(MODES.map((m) => [m, []]));
    for (let r = 0; r < rounds; r++) {
      for (const mode of MODES) {
        log(`embed, ${series} series, ${mode} (round ${r + 1}/${rounds})`);
        runs[mode].push(await runChild(mode, series, reads));
      }
    }
    const idleCpu = median(runs.idle.map((x) => x.cpuMsPerRead));
    const idleBytes = median(runs.idle.map((x) => x.bytesPerSeries));
    const row = { series, reads, rounds, runs };
    for (const mode of ['plain', 'argus']) {
      const cpu = median(runs[mode].map((x) => x.cpuMsPerRead)) - idleCpu;
      row[mode] = {
        cpuMsPerRead: cpu,
        // one read per second: ms of CPU per read ÷ 1000 ms is the share of a core
        coreShare: cpu / 1000,
        coreSharePer100k: (cpu / 1000) * (100_000 / series),
        bytesPerSeries: median(runs[mode].map((x) => x.bytesPerSeries)) - idleBytes,
        heapBytesPerSeries: median(runs[mode].map((x) => x.heapBytesPerSeries)),
        bufferBytesPerSeries: median(runs[mode].map((x) => x.bufferBytesPerSeries)),
      };
    }
    row.idleCpuMsPerRead = idleCpu;
    rows.push(row);
  }
  return rows;
}
