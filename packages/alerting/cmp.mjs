import { readFileSync, readdirSync } from 'node:fs';
import { checkRuleFile } from '@argus/alerting';
const out = readFileSync('/tmp/rc/trunc.out', 'utf8').split('\n');
const v = new Map(); let cur, failed = false;
for (const l of out) { const m = /^Checking (.+)$/.exec(l); if (m) cur = m[1]; else if (l.startsWith('  SUCCESS')) v.set(cur, 'valid'); else if (l === '  FAILED:') failed = true; else if (failed) { v.set(cur, l.startsWith('lint error') ? 'lint' : 'invalid'); failed = false; } }
let agree = 0, crash = 0; const dis = [];
for (const f of readdirSync('/tmp/rc/trunc').filter(f => f.endsWith('.yml')).sort()) {
  let r; try { r = checkRuleFile(readFileSync('/tmp/rc/trunc/' + f, 'utf8'), { file: f }); } catch (e) { crash++; dis.push(f + ' CRASH ' + e.message); continue; }
  const ours = r.problems.length ? 'invalid' : r.warnings.length ? 'lint' : 'valid';
  if (ours === v.get(f)) agree++; else dis.push(`${f}: promtool ${v.get(f)} argus ${ours} ${r.problems[0]?.message ?? ''}`);
}
console.log('agree', agree, 'crash', crash); console.log(dis.join('\n'));
