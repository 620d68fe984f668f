// Go's RE2 syntax where it differs from JavaScript's: inline flags `(?i)` and `(?i:…)` (Node 20's RegExp has
// no modifiers), `(?P<name>…)`, POSIX classes `[[:alpha:]]`, `\z`, `\A` and `\Q…\E`. Everything else is
// passed through, as both dialects share it.

const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-/:-@[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

const escapeLiteral = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** Translates an RE2 pattern to an equivalent JavaScript pattern (no flags needed). */
export function re2ToJs(src: string): string {
  let out = '';
  const stack: boolean[] = [];
  let ci = false;
  let i = 0;
  const letter = (c: string): string =>
    ci && c.toLowerCase() !== c.toUpperCase() ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\\') {
      const n = src[i + 1] ?? '';
      if (n === 'Q') {
        const end = src.indexOf('\\E', i + 2);
        const lit = src.slice(i + 2, end < 0 ? src.length : end);
        out += [...lit].map((ch) => (ci ? letter(ch) : escapeLiteral(ch))).join('');
        i = end < 0 ? src.length : end + 2;
        continue;
      }
      out += n === 'z' ? '$' : n === 'A' ? '^' : `\\${n}`;
      i += 2;
      continue;
    }
    if (c === '[') {
      const [cls, next] = charClass(src, i, ci);
      out += cls;
      i = next;
      continue;
    }
    if (c === '(') {
      const flags = /^\(\?([imsU-]*)(:|\))/.exec(src.slice(i));
      stack.push(ci);
      if (flags) {
        const on = !flags[1]!.startsWith('-') && /i/.test(flags[1]!.split('-')[0]!);
        const off = /i/.test(flags[1]!.split('-')[1] ?? '');
        const newCi: boolean = on ? true : off ? false : ci;
        if (flags[2] === ')') {
          stack.pop();
          ci = newCi;
        } else {
          ci = newCi;
          out += '(?:';
        }
        i += flags[0].length;
        continue;
      }
      if (src.startsWith('(?P<', i)) {
        out += '(?<';
        i += 4;
        continue;
      }
      out += c;
      i++;
      continue;
    }
    if (c === ')') {
      ci = stack.pop() ?? false;
      out += c;
      i++;
      continue;
    }
    out += letter(c);
    i++;
  }
  return out;
}

/** Copies a character class starting at `start`; returns it and the index after its `]`. */
function charClass(src: string, start: number, ci: boolean): [string, number] {
  let i = start + 1;
  let body = '';
  if (src[i] === '^') {
    body += '^';
    i++;
  }
  if (src[i] === ']') {
    body += '\\]';
    i++;
  }
  while (i < src.length && src[i] !== ']') {
    const posix = /^\[:(\^?)([a-z]+):\]/.exec(src.slice(i));
    if (posix && POSIX[posix[2]!]) {
      body += posix[1] ? '' : POSIX[posix[2]!];
      i += posix[0].length;
      continue;
    }
    if (src[i] === '\\') {
      body += src.slice(i, i + 2);
      i += 2;
      continue;
    }
    const range = /^([a-zA-Z])-([a-zA-Z])/.exec(src.slice(i));
    if (range && ci) {
      body += `${range[0]}${range[1]!.toLowerCase()}-${range[2]!.toLowerCase()}${range[1]!.toUpperCase()}-${range[2]!.toUpperCase()}`;
      i += 3;
      continue;
    }
    const ch = src[i]!;
    body +=
      ch === '['
        ? '\\['
        : ci && ch.toLowerCase() !== ch.toUpperCase()
          ? ch.toLowerCase() + ch.toUpperCase()
          : ch;
    i++;
  }
  return [`[${body}]`, i + 1];
}
