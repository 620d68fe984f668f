import { ExpositionError } from '../errors.js';
import type { CommentLine } from './cache.js';
import { isNameChar, unescapeValue } from './series-text.js';

const TEXT_TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const OM_TYPES = new Set([
  'counter',
  'gauge',
  'histogram',
  'gaugehistogram',
  'summary',
  'info',
  'stateset',
  'unknown',
]);
const HEAD = /^#[ \t]+(HELP|TYPE|UNIT)[ \t]+/;

/**
 * Parses one `#` line: HELP, TYPE or UNIT into a {@link CommentLine}, `'eof'` for OpenMetrics' `# EOF`, or
 * `undefined` for a plain comment (0.0.4 only; OpenMetrics allows no others). Throws with the line number.
 */
export function parseCommentLine(text: string, om: boolean, lineNo: number): CommentLine | 'eof' | undefined {
  const fail = (msg: string): never => {
    throw new ExpositionError('ERR_EXPOSITION_SYNTAX', lineNo, msg, text);
  };
  if (om && text === '# EOF') return 'eof';
  const m = HEAD.exec(text);
  if (!m) {
    if (om) fail('unknown comment (OpenMetrics allows only HELP, TYPE, UNIT and EOF)');
    return undefined;
  }
  const kind = m[1]!.toLowerCase() as CommentLine['kind'];
  if (kind === 'unit' && !om) return undefined;
  let i = m[0].length;
  const nameStart = i;
  while (i < text.length && isNameChar(text.charCodeAt(i))) i++;
  const sep = text.charCodeAt(i);
  if (i === nameStart || (i < text.length && sep !== 32 && sep !== 9))
    fail(`invalid metric name in # ${m[1]}`);
  const name = text.slice(nameStart, i);
  const rest = text.slice(i).replace(/^[ \t]+/, '');
  if (kind === 'type' && !(om ? OM_TYPES : TEXT_TYPES).has(rest.trimEnd())) {
    fail(`unknown metric type "${rest.trimEnd()}"`);
  }
  const value = kind === 'help' ? unescapeValue(rest, !om) : kind === 'type' ? rest.trimEnd() : rest;
  return { text, kind, name, value, page: 0, idx: -1 };
}
