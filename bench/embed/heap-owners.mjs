// Bytes per series by owner, from heap snapshots of bench/embed/child.mjs (BENCH_HEAP_SNAPSHOT=<file>):
//   node --max-old-space-size=4000 bench/embed/heap-owners.mjs <preset.heapsnapshot> <idle.heapsnapshot> [series]
// Every object (and array-buffer backing store) is charged to the first owner whose pattern matches it or one of its
// dominators (the objects every path from the roots to it goes through), walking up from the object; what matches
// nothing is "rest". The idle process's numbers are subtracted, so what is left is what the preset adds. The
// patterns name classes and variables of today's code (Windows, StoreState, SeriesIndex, …): when those are renamed,
// an owner drops to 0 and its bytes show up in "rest".
import { readFileSync } from 'node:fs';

const OWNERS = [
  // the label objects the registry source makes and the registry and the store keep (a __name__ and a route label)
  [
    'label sets (registry source; kept by registry and store)',
    (n) => n.cls === 'object:Object' && n.has('__name__'),
  ],
  // prom-client's label values are cons strings (template literals); hashing them flattens each into a new string
  ['label values flattened by the first read', (n) => /^string:(\/api\/v1\/items|10\.0\.)/.test(n.cls)],
  ['detectors: early check windows', (n) => n.cls === 'object:Windows' || n.via('win')],
  [
    'detectors: ensemble and members',
    (n) => n.via('model', 'slots', 'members', 'ensemble', 'seasonal', 'robust'),
  ],
  [
    'store',
    (n) =>
      /^object:(StoreState|Heads|HeadArena|SealedChunks|ChunkPages|SeriesData|Postings|SeriesTable|BitWriter)$/.test(
        n.cls,
      ) || n.via('st', 'heads', 'byLabels', 'byLabelSet'),
  ],
  ['core: series registry (index, columns)', (n) => n.cls === 'object:SeriesIndex' || n.via('index')],
  ['source-prometheus: registry source', (n) => n.cls === 'object:RegistryReader' || n.via('reader')],
  ['node: derive', (n) => n.cls === 'object:DeriveState'],
  [
    'alerting: rule templates, manager',
    (n) => /^object:(RuleTracker|Manager)$/.test(n.cls) || n.via('tracker'),
  ],
  ['prom-client', (n) => /^object:(Gauge|Registry)$/.test(n.cls)],
];

/** Bytes per owner (index OWNERS.length: rest) of one snapshot. */
function owners(file) {
  const s = JSON.parse(readFileSync(file, 'utf8'));
  const meta = s.snapshot.meta;
  const NF = meta.node_fields.length;
  const EF = meta.edge_fields.length;
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const { nodes, edges, strings } = s;
  const N = nodes.length / NF;
  const first = new Int32Array(N + 1);
  for (let i = 0; i < N; i++) first[i + 1] = first[i] + nodes[i * NF + 4] * EF;
  // weak and shortcut edges do not keep anything alive
  const strong = (e) => !['weak', 'shortcut'].includes(edgeTypes[edges[e]]);
  const preds = predecessors(N, first, edges, EF, NF, strong);
  const idom = dominators(N, first, edges, EF, NF, strong, preds);
  const cls = (v) => `${nodeTypes[nodes[v * NF]]}:${strings[nodes[v * NF + 1]]}`;
  const edgeName = (e) => String(strings[edges[e + 1]]);
  const view = (v) => ({
    cls: cls(v),
    has: (prop) => {
      for (let e = first[v]; e < first[v + 1]; e += EF)
        if (edgeTypes[edges[e]] === 'property' && edgeName(e) === prop) return true;
      return false;
    },
    // whether something holds it under one of these property or variable names
    via: (...names) => preds.of(v).some((e) => names.includes(edgeName(e))),
  });
  const ownerOf = new Int16Array(N).fill(-1);
  const charge = (v) => {
    const walked = [];
    let x = v;
    let owner = OWNERS.length;
    while (x > 0 && ownerOf[x] === -1) {
      walked.push(x);
      const k = OWNERS.findIndex(([, match]) => match(view(x)));
      if (k >= 0) {
        owner = k;
        break;
      }
      x = idom[x];
    }
    if (x > 0 && ownerOf[x] !== -1) owner = ownerOf[x];
    for (const w of walked) ownerOf[w] = owner;
    return owner;
  };
  const bytes = new Float64Array(OWNERS.length + 1);
  const rest = new Map(); // by node type and class (strings by type only), for --rest
  for (let v = 1; v < N; v++) {
    if (idom[v] < 0) continue;
    const owner = charge(v);
    bytes[owner] += nodes[v * NF + 3];
    if (owner !== OWNERS.length) continue;
    const type = nodeTypes[nodes[v * NF]];
    const key = /string|code/.test(type) ? type : cls(v).slice(0, 60);
    rest.set(key, (rest.get(key) ?? 0) + nodes[v * NF + 3]);
  }
  return { bytes, rest };
}

/** Immediate dominators (Cooper, Harvey and Kennedy's iteration over a reverse post-order); -1: unreachable. */
function dominators(N, first, edges, EF, NF, strong, preds) {
  const post = new Int32Array(N).fill(-1);
  const order = [];
  const next = first.slice(0, N);
  const seen = new Uint8Array(N);
  const stack = [0];
  seen[0] = 1;
  while (stack.length > 0) {
    const v = stack[stack.length - 1];
    let w = -1;
    while (next[v] < first[v + 1] && w < 0) {
      const e = next[v];
      next[v] += EF;
      const to = edges[e + 2] / NF;
      if (strong(e) && !seen[to]) w = to;
    }
    if (w >= 0) {
      seen[w] = 1;
      stack.push(w);
    } else {
      post[stack.pop()] = order.length;
      order.push(v);
    }
  }
  const idom = new Int32Array(N).fill(-1);
  idom[0] = 0;
  const meet = (a, b) => {
    while (a !== b) {
      while (post[a] < post[b]) a = idom[a];
      while (post[b] < post[a]) b = idom[b];
    }
    return a;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (let k = order.length - 2; k >= 0; k--) {
      const v = order[k];
      let d = -1;
      for (const u of preds.nodes(v)) if (idom[u] !== -1) d = d === -1 ? u : meet(u, d);
      if (d !== idom[v]) {
        idom[v] = d;
        changed = true;
      }
    }
  }
  return idom;
}

/** The strong edges into each node: `of(v)` their edge offsets, `nodes(v)` the nodes they come from. */
function predecessors(N, first, edges, EF, NF, strong) {
  const start = new Int32Array(N + 1);
  for (let e = 0; e < edges.length; e += EF) if (strong(e)) start[edges[e + 2] / NF + 1]++;
  for (let i = 0; i < N; i++) start[i + 1] += start[i];
  const fill = start.slice();
  const from = new Int32Array(start[N]);
  const via = new Int32Array(start[N]);
  for (let v = 0; v < N; v++) {
    for (let e = first[v]; e < first[v + 1]; e += EF) {
      if (!strong(e)) continue;
      const at = fill[edges[e + 2] / NF]++;
      from[at] = v;
      via[at] = e;
    }
  }
  return {
    of: (v) => Array.from(via.subarray(start[v], start[v + 1])),
    nodes: (v) => from.subarray(start[v], start[v + 1]),
  };
}

const args = process.argv.slice(2).filter((a) => a !== '--rest');
const [presetFile, idleFile, seriesArg = '10000'] = args;
if (!presetFile || !idleFile)
  throw new Error('usage: heap-owners.mjs <preset.heapsnapshot> <idle.heapsnapshot> [series]');
const series = Number(seriesArg);
const { bytes: preset, rest: presetRest } = owners(presetFile);
const { bytes: idle, rest: idleRest } = owners(idleFile);
const names = [
  ...OWNERS.map(([name]) => name),
  'rest (fixed costs: code, schemas; and what no pattern names)',
];
let total = 0;
for (let i = 0; i < names.length; i++) {
  const perSeries = (preset[i] - idle[i]) / series;
  total += perSeries;
  console.log(`${perSeries.toFixed(0).padStart(6)}  ${names[i]}`);
}
console.log(
  `${total.toFixed(0).padStart(6)}  total (heap objects and array buffers beyond the idle process, per series)`,
);
if (process.argv.includes('--rest')) {
  console.log('rest, by kind (bytes per series beyond idle):');
  const diff = [...presetRest].map(([k, b]) => [k, (b - (idleRest.get(k) ?? 0)) / series]);
  for (const [k, b] of diff.sort((x, y) => y[1] - x[1]).slice(0, 15))
    console.log(`${b.toFixed(1).padStart(8)}  ${k}`);
}
