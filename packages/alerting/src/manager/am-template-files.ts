// Alertmanager's `templates:` globs (Go's filepath.Glob: `*`, `?` and `[…]` within one path segment, no `**`),
// read in Go's order: each glob's matches sorted, globs in the order given.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';
import type { TemplateFile } from './am-template-funcs.js';

/** A glob segment as a regular expression. */
function segmentRegExp(seg: string): RegExp {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = seg.indexOf(']', i + 2);
      if (end < 0) throw new Error(`syntax error in pattern ${seg}`);
      re += `[${seg
        .slice(i + 1, end)
        .replace(/^\^/, '^')
        .replace(/\\/g, '\\\\')}]`;
      i = end;
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

const hasMeta = (s: string): boolean => /[*?[]/.test(s);

/** The paths matching `pattern`, sorted as Go's filepath.Glob returns them. */
export function glob(pattern: string): string[] {
  const parts = pattern.split(/[\\/]/);
  let paths = [isAbsolute(pattern) ? sep : ''];
  if (isAbsolute(pattern)) parts.shift();
  for (const part of parts) {
    const next: string[] = [];
    for (const dir of paths) {
      if (!hasMeta(part)) {
        next.push(dir === '' ? part : join(dir, part));
        continue;
      }
      let names: string[];
      try {
        names = readdirSync(dir === '' ? '.' : dir);
      } catch {
        continue;
      }
      const re = segmentRegExp(part);
      for (const n of names.filter((x) => re.test(x)).sort()) next.push(dir === '' ? n : join(dir, n));
    }
    paths = next;
  }
  return paths.filter((p) => {
    try {
      statSync(p);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Reads the template files of an Alertmanager config's `templates:` list (relative globs from `baseDir`, the
 * config file's directory, as Alertmanager resolves them). A glob matching nothing is skipped, as in Alertmanager.
 */
export function loadTemplateFiles(globs: readonly string[], baseDir = '.'): TemplateFile[] {
  const out: TemplateFile[] = [];
  for (const g of globs) {
    for (const p of glob(isAbsolute(g) ? g : resolve(baseDir, g))) {
      if (statSync(p).isFile()) out.push({ name: p.split(sep).pop() ?? p, text: readFileSync(p, 'utf8') });
    }
  }
  return out;
}
