// Go's text/template lexer (text/template/parse/lex.go): the same tokens, trim markers and error texts.

export type TokenType =
  | 'text'
  | 'left'
  | 'right'
  | 'space'
  | 'identifier'
  | 'keyword'
  | 'field'
  | 'variable'
  | 'string'
  | 'rawString'
  | 'charConstant'
  | 'number'
  | 'bool'
  | 'pipe'
  | 'lparen'
  | 'rparen'
  | 'declare'
  | 'assign'
  | 'char'
  | 'dot'
  | 'nil'
  | 'eof'
  | 'error';

export interface Token {
  readonly type: TokenType;
  readonly pos: number;
  readonly val: string;
  readonly line: number;
}

const KEYWORDS = new Set([
  'block',
  'break',
  'continue',
  'define',
  'else',
  'end',
  'if',
  'range',
  'template',
  'with',
]);
const LEFT = '{{';
const RIGHT = '}}';

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isAlphaNumeric = (c: string | undefined): boolean => c !== undefined && /^[\p{L}\p{Nd}_]$/u.test(c);

/** Go's `%#U` of a rune: `U+0040 '@'`, or just `U+00A0` when it is not printable. */
export function runeDescription(c: string): string {
  const cp = c.codePointAt(0)!;
  const code = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  const printable = !/[\p{C}\p{Z}]/u.test(c) || c === ' ';
  return printable ? `${code} '${c}'` : code;
}

/** Splits template text into tokens; stops at the first error (a token of type 'error' holding its message). */
export function lex(input: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let start = 0;
  let line = 1;
  let startLine = 1;

  const emit = (type: TokenType, val = input.slice(start, pos)): void => {
    tokens.push({ type, pos: start, val, line: startLine });
    start = pos;
    startLine = line;
  };
  const advance = (n: number): void => {
    for (let k = 0; k < n && pos < input.length; k++) if (input[pos++] === '\n') line++;
  };
  const ignore = (): void => {
    start = pos;
    startLine = line;
  };
  const fail = (msg: string): false => {
    tokens.push({ type: 'error', pos: start, val: msg, line: startLine });
    return false;
  };
  const atRightDelim = (): { delim: boolean; trim: boolean } => {
    if (isSpace(input[pos]) && input[pos + 1] === '-' && input.startsWith(RIGHT, pos + 2))
      return { delim: true, trim: true };
    return { delim: input.startsWith(RIGHT, pos), trim: false };
  };
  const atTerminator = (): boolean => {
    const c = input[pos];
    if (c === undefined || isSpace(c)) return true;
    if ('.,|:()'.includes(c)) return true;
    return input.startsWith(RIGHT, pos);
  };
  const skipLeadingSpace = (): void => {
    while (isSpace(input[pos])) advance(1);
    ignore();
  };

  // returns false on error; true when the action closed
  const insideAction = (): boolean => {
    for (;;) {
      const { delim, trim } = atRightDelim();
      if (delim) {
        if (trim) advance(2);
        ignore();
        advance(RIGHT.length);
        emit('right');
        if (trim) skipLeadingSpace();
        return true;
      }
      const c = input[pos];
      if (c === undefined) return fail('unclosed action');
      if (isSpace(c)) {
        // a space right before " -}}" belongs to the trim marker
        while (isSpace(input[pos]) && !(input[pos + 1] === '-' && input.startsWith(RIGHT, pos + 2)))
          advance(1);
        if (pos > start) emit('space');
        else if (isSpace(input[pos])) {
          // exactly the marker's space: handled by atRightDelim on the next turn
        }
        continue;
      }
      advance(1);
      if (c === '=') emit('assign');
      else if (c === ':') {
        if (input[pos] !== '=') return fail('expected :=');
        advance(1);
        emit('declare');
      } else if (c === '|') emit('pipe');
      else if (c === '"') {
        for (;;) {
          const d = input[pos];
          if (d === '\\') {
            advance(1);
            if (input[pos] === undefined || input[pos] === '\n') return fail('unterminated quoted string');
          } else if (d === undefined || d === '\n') return fail('unterminated quoted string');
          advance(1);
          if (d === '"') break;
        }
        emit('string');
      } else if (c === '`') {
        const end = input.indexOf('`', pos);
        if (end < 0) return fail('unterminated raw quoted string');
        advance(end + 1 - pos);
        emit('rawString');
      } else if (c === '$' || (c === '.' && !/[0-9]/.test(input[pos] ?? ''))) {
        if (atTerminator()) emit(c === '$' ? 'variable' : 'dot');
        else {
          while (isAlphaNumeric(input[pos])) advance(1);
          if (!atTerminator()) return fail(`bad character ${runeDescription(input[pos]!)}`);
          emit(c === '$' ? 'variable' : 'field');
        }
      } else if (c === "'") {
        for (;;) {
          const d = input[pos];
          if (d === '\\') advance(1);
          else if (d === undefined || d === '\n') return fail('unterminated character constant');
          advance(1);
          if (d === "'") break;
        }
        emit('charConstant');
      } else if (c === '.' || c === '+' || c === '-' || /[0-9]/.test(c)) {
        const m =
          /^[+-]?(?:0[xX][0-9a-fA-F_]*(?:\.[0-9a-fA-F_]*)?(?:[pP][+-]?[0-9_]+)?|0[oObB][0-7_]+|[0-9_]*(?:\.[0-9_]*)?(?:[eE][+-]?[0-9_]+)?)i?/.exec(
            input.slice(start),
          );
        advance(m![0].length - 1);
        if (isAlphaNumeric(input[pos]) || !/[0-9]/.test(input.slice(start, pos))) {
          advance(1);
          return fail(`bad number syntax: "${input.slice(start, pos)}"`);
        }
        emit('number');
      } else if (isAlphaNumeric(c)) {
        while (isAlphaNumeric(input[pos])) advance(1);
        if (!atTerminator()) return fail(`bad character ${runeDescription(input[pos]!)}`);
        const word = input.slice(start, pos);
        if (KEYWORDS.has(word)) emit('keyword');
        else if (word === 'true' || word === 'false') emit('bool');
        else if (word === 'nil') emit('nil');
        else emit('identifier');
      } else if (c === '(') {
        emit('lparen');
      } else if (c === ')') {
        emit('rparen');
      } else if (c.charCodeAt(0) < 0x80 && c >= ' ' && c !== '\x7f') emit('char');
      else {
        const full = String.fromCodePoint(input.codePointAt(pos - 1)!);
        return fail(`unrecognized character in action: ${runeDescription(full)}`);
      }
    }
  };

  for (;;) {
    const at = input.indexOf(LEFT, pos);
    if (at < 0) {
      advance(input.length - pos);
      if (pos > start) emit('text');
      tokens.push({ type: 'eof', pos, val: '', line });
      return tokens;
    }
    const trimLeft = input[at + 2] === '-' && isSpace(input[at + 3]);
    advance(at - pos);
    if (at > start) {
      let text = input.slice(start, at);
      if (trimLeft) text = text.replace(/[ \t\r\n]+$/, '');
      if (text) emit('text', text);
    }
    ignore();
    advance(LEFT.length);
    emit('left');
    if (trimLeft) {
      advance(2);
      ignore();
    }
    // a comment: {{/* … */}}, also with trim markers
    if (input.startsWith('/*', pos)) {
      const end = input.indexOf('*/', pos + 2);
      if (end < 0) {
        fail('unclosed comment');
        return tokens;
      }
      advance(end + 2 - pos);
      const { delim, trim } = atRightDelim();
      if (!delim) {
        fail('comment ends before closing delimiter');
        return tokens;
      }
      tokens.pop(); // the comment's left delimiter: comments leave nothing in the tree
      if (trim) advance(2);
      advance(RIGHT.length);
      ignore();
      if (trim) skipLeadingSpace();
      continue;
    }
    if (!insideAction()) return tokens;
  }
}
