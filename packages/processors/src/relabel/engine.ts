import { createHash } from 'node:crypto';
import type { Labels } from '@argus/core';
import { type CompiledRule, LABEL_NAME } from './config.js';

/**
 * Applies rules in order to a label set, with Prometheus `relabel.Process` semantics. Returns the new labels,
 * or `undefined` when a keep/drop rule removes the series or no label is left. The input is not modified.
 */
export function applyRules(rules: readonly CompiledRule[], input: Labels): Labels | undefined {
  // a Map, not an object: a label named __proto__ must stay an ordinary label
  const lb = new Map<string, string>(Object.entries(input));
  for (const rule of rules) {
    if (!applyRule(rule, lb)) return undefined;
  }
  if (lb.size === 0) return undefined;
  return Object.fromEntries(lb);
}

/** Sets a label; an empty value deletes it, as Prometheus's labels.Builder does. */
function set(lb: Map<string, string>, name: string, value: string): void {
  if (value === '') lb.delete(name);
  else lb.set(name, value);
}

function applyRule(r: CompiledRule, lb: Map<string, string>): boolean {
  const val = r.sourceLabels.map((n) => lb.get(n) ?? '').join(r.separator);
  switch (r.action) {
    case 'drop':
      return !r.regex.test(val);
    case 'keep':
      return r.regex.test(val);
    case 'dropequal':
      return (lb.get(r.targetLabel) ?? '') !== val;
    case 'keepequal':
      return (lb.get(r.targetLabel) ?? '') === val;
    case 'replace':
      replace(r, lb, val);
      return true;
    case 'lowercase':
      set(lb, r.targetLabel, val.toLowerCase());
      return true;
    case 'uppercase':
      set(lb, r.targetLabel, val.toUpperCase());
      return true;
    case 'hashmod':
      set(lb, r.targetLabel, hashmod(val, r.modulus));
      return true;
    default:
      labelRule(r, lb);
      return true;
  }
}

function replace(r: CompiledRule, lb: Map<string, string>, val: string): void {
  const m = r.regex.exec(val);
  if (!m) return;
  const target = expand(r.targetLabel, m);
  if (!LABEL_NAME.test(target)) return;
  set(lb, target, expand(r.replacement, m));
}

/** labelmap, labeldrop, labelkeep: rules over label names. */
function labelRule(r: CompiledRule, lb: Map<string, string>): void {
  for (const [name, value] of [...lb]) {
    const m = r.regex.exec(name);
    if (r.action === 'labeldrop' && m) lb.delete(name);
    else if (r.action === 'labelkeep' && !m) lb.delete(name);
    else if (r.action === 'labelmap' && m) {
      const target = expand(r.replacement, m);
      if (LABEL_NAME.test(target)) lb.set(target, value);
    }
  }
}

/** Prometheus hashmod: MD5 of the value, its last 8 bytes as a big-endian uint64, modulo `modulus`. */
export function hashmod(value: string, modulus: number): string {
  const digest = createHash('md5').update(value, 'utf8').digest();
  return (digest.readBigUInt64BE(8) % BigInt(modulus)).toString();
}

/**
 * Expands a template the way Go's `regexp.Expand` does: `$1`, `${1}`, `$name`, `${name}`, `$$`. A name runs as
 * far as letters, digits and `_` go, so `$1x` means the group named `1x` (empty), as in Prometheus; a group
 * that did not take part expands to the empty string; a malformed `$` is kept literally.
 */
export function expand(template: string, m: RegExpExecArray): string {
  if (!template.includes('$')) return template;
  let out = '';
  let i = 0;
  while (i < template.length) {
    const d = template.indexOf('$', i);
    if (d < 0) break;
    out += template.slice(i, d);
    i = d + 1;
    if (template[i] === '$') {
      out += '$';
      i++;
      continue;
    }
    const ref = extractRef(template, i);
    if (!ref) {
      out += '$';
      continue;
    }
    i = ref.end;
    out += groupValue(m, ref.name);
  }
  return out + template.slice(i);
}

function extractRef(t: string, at: number): { name: string; end: number } | undefined {
  const brace = t[at] === '{';
  const start = brace ? at + 1 : at;
  let j = start;
  while (j < t.length && /[A-Za-z0-9_]/.test(t[j]!)) j++;
  if (j === start) return undefined;
  if (brace) {
    if (t[j] !== '}') return undefined;
    return { name: t.slice(start, j), end: j + 1 };
  }
  return { name: t.slice(start, j), end: j };
}

function groupValue(m: RegExpExecArray, name: string): string {
  // Go treats an all-digit name as a group number, except with a leading zero
  if (/^\d+$/.test(name) && (name === '0' || name[0] !== '0')) {
    const n = Number(name);
    return n < m.length ? (m[n] ?? '') : '';
  }
  return m.groups?.[name] ?? '';
}
