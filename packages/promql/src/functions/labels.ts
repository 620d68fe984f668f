// label_replace and label_join (Prometheus 2.42), with Go's regexp template expansion ($1, ${1}, $name).

import { anchored } from '../matchers.js';
import { PromQLEvalError } from '../parser/errors.js';
import type { Labels } from '../queryable.js';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Returns a function that rewrites a label set as label_replace(dst, replacement, src, regex) does. */
export function labelReplacer(dst: string, repl: string, src: string, regex: string): (l: Labels) => Labels {
  let re: RegExp;
  try {
    re = anchored(regex);
  } catch (e) {
    throw new PromQLEvalError(
      `invalid regular expression in label_replace(): ${regex}: ${(e as Error).message}`,
    );
  }
  if (!LABEL_NAME.test(dst))
    throw new PromQLEvalError(`invalid destination label name in label_replace(): ${dst}`);
  return (l) => {
    const m = re.exec(l[src] ?? '');
    if (!m) return l;
    return setLabel(l, dst, expand(repl, m));
  };
}

/** Returns a function that sets dst to the src labels' values joined by sep. */
export function labelJoiner(dst: string, sep: string, srcs: string[]): (l: Labels) => Labels {
  if (!LABEL_NAME.test(dst))
    throw new PromQLEvalError(`invalid destination label name in label_join(): ${dst}`);
  for (const s of srcs)
    if (!LABEL_NAME.test(s)) throw new PromQLEvalError(`invalid source label name in label_join(): ${s}`);
  return (l) => setLabel(l, dst, srcs.map((s) => l[s] ?? '').join(sep));
}

function setLabel(l: Labels, name: string, value: string): Labels {
  const out: Record<string, string> = { ...l };
  if (value === '') delete out[name];
  else out[name] = value;
  return out;
}

/** Go's Regexp.Expand: `$$`, `$n`, `${n}`, `$name`, `${name}`; unknown groups give the empty string. */
function expand(template: string, m: RegExpExecArray): string {
  return template.replace(
    /\$(\$|\{([a-zA-Z0-9_]+)\}|([a-zA-Z0-9_]+))/g,
    (_all, _x, braced?: string, bare?: string) => {
      if (_x === '$') return '$';
      const name = braced ?? bare!;
      if (/^\d+$/.test(name)) return m[Number(name)] ?? '';
      return m.groups?.[name] ?? '';
    },
  );
}
