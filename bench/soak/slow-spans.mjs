#!/usr/bin/env node
// What ran in the soak's event-loop intervals over 10 ms: reads a `--cpu-prof` profile of the replica and the
// intervals the soak wrote (SOAK_SLOW_SPANS, monotonic µs, the profile's clock) and names, per interval, the
// function under which most of its samples ran, then the totals. An interval with few samples was mostly waiting
// for a core (the machine is shared), not running.
// Run: SOAK_SLOW_SPANS=/tmp/spans.json node --expose-gc --cpu-prof --cpu-prof-dir=/tmp/prof bench/soak/run.mjs
//      node bench/soak/slow-spans.mjs /tmp/prof/<the replica's>.cpuprofile /tmp/spans.json
import { readFileSync } from 'node:fs';

const [profileFile, spansFile] = process.argv.slice(2);
const p = JSON.parse(readFileSync(profileFile, 'utf8'));
const spans = JSON.parse(readFileSync(spansFile, 'utf8'));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// the first frame (from the root) that says which part of the pipeline ran: a plugin hook or a core step
const PARTS = [
  ['snapshot', /^(writeEntries|encodeSnapshot|putSnapshot|putSnapshotParts|saved|savedSeries|saveNow)$/],
  ['detect', /^detect$/],
  ['rules (evaluate)', /^evaluate$/],
  ['scrape parse', /^(parseSliced|parse)$/],
  ['scrape fetch', /^(fetchPage|readBody|decode)$/],
  ['sinks', /^toSinks$/],
];
const partOf = new Map();
function part(id) {
  if (partOf.has(id)) return partOf.get(id);
  const chain = [];
  for (let x = id; x !== undefined; x = parent.get(x)) chain.push(byId.get(x).callFrame.functionName);
  chain.reverse();
  let out = byId.get(id).callFrame.functionName === '(garbage collector)' ? 'GC' : 'other';
  for (const fn of chain) {
    const hit = PARTS.find(([, re]) => re.test(fn));
    if (hit) {
      out = hit[0];
      break;
    }
  }
  partOf.set(id, out);
  return out;
}

const times = [];
let t = p.startTime;
for (let i = 0; i < p.samples.length; i++) times.push((t += p.timeDeltas[i]));
const total = new Map();
const dominant = new Map();
let j = 0;
let covered = 0;
spans.sort((a, b) => a[0] - b[0]);
for (const [from, to] of spans) {
  if (to < p.startTime || from > p.endTime) continue;
  covered++;
  while (j < times.length && times[j] < from) j++;
  const here = new Map();
  for (let k = j; k < times.length && times[k] <= to; k++) {
    const name = byId.get(p.samples[k]).callFrame.functionName;
    if (name === '(idle)' || name === '(program)') continue;
    const prt = part(p.samples[k]);
    const ms = (times[k] - (times[k - 1] ?? times[k])) / 1000;
    here.set(prt, (here.get(prt) ?? 0) + ms);
    total.set(prt, (total.get(prt) ?? 0) + ms);
  }
  const busy = [...here.values()].reduce((a, b) => a + b, 0);
  const top = [...here].sort((a, b) => b[1] - a[1])[0];
  // under half the interval on the CPU: the process mostly waited (for a core, or for I/O)
  const key = !top || busy < ((to - from) / 1000) * 0.5 ? 'mostly waiting' : top[0];
  dominant.set(key, (dominant.get(key) ?? 0) + 1);
}
console.log(`${covered} intervals over 10 ms inside the profile`);
console.log('by what ran most in each:', Object.fromEntries([...dominant].sort((a, b) => b[1] - a[1])));
console.log(
  'CPU ms inside them, by part:',
  Object.fromEntries([...total].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, Math.round(v)])),
);
