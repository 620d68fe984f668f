// Go's text/template parser (text/template/parse/parse.go): the same grammar, scoping of variables and messages.
import { lex, type Token } from './lex.js';
import { parseNumber, unquote } from './literal.js';
import type {
  ArgNode,
  CommandNode,
  ControlNode,
  ListNode,
  LiteralNode,
  Node,
  PipeNode,
  TemplateNode,
  Tree,
  VariableNode,
} from './nodes.js';

/** A template that does not parse; the message is Go's, e.g. `template: name:1: unclosed action`. */
export class TemplateParseError extends SyntaxError {
  readonly code = 'ERR_TEMPLATE_PARSE';
}

/** `{{end}}` or `{{else}}`: ends a list. */
interface Delim {
  readonly type: 'end' | 'else';
  readonly pos: number;
  readonly line: number;
}

function tokenString(t: Token): string {
  if (t.type === 'eof') return 'EOF';
  if (t.type === 'error') return t.val;
  if (t.type === 'keyword') return `<${t.val}>`;
  if (t.val.length > 10) return `${JSON.stringify(t.val.slice(0, 10))}...`;
  return JSON.stringify(t.val);
}

/**
 * Parses `text` as template `name`. Returns every tree it defines (the top-level one under `name`, plus one
 * per `define` and `block`). `hasFunction` says which function names exist (an unknown one is a parse error, as in Go).
 */
export function parse(name: string, text: string, hasFunction: (name: string) => boolean): Map<string, Tree> {
  const tokens = lex(text);
  let i = 0;
  const trees = new Map<string, Tree>();
  let vars: string[] = ['$'];
  let rangeDepth = 0;
  let actionLine = 0;
  let last: Token = tokens[0]!;

  const errorf = (msg: string): never => {
    throw new TemplateParseError(`template: ${name}:${last.line}: ${msg}`);
  };
  const at = (k: number): Token => tokens[Math.min(k, tokens.length - 1)]!;
  const next = (): Token => {
    last = at(i++);
    return last;
  };
  const peek = (): Token => at(i);
  const nextNonSpace = (): Token => {
    let t = next();
    while (t.type === 'space') t = next();
    return t;
  };
  const peekNonSpace = (): Token => {
    const t = nextNonSpace();
    i--;
    return t;
  };
  const unexpected = (t: Token, context: string): never => {
    if (t.type === 'error') {
      const extra =
        actionLine !== 0 && actionLine !== t.line ? ` in action started at ${name}:${actionLine}` : '';
      return errorf(`${t.val}${extra}`);
    }
    return errorf(`unexpected ${tokenString(t)} in ${context}`);
  };
  const expect = (type: Token['type'], context: string): Token => {
    const t = nextNonSpace();
    if (t.type !== type) unexpected(t, context);
    return t;
  };
  const addTree = (tree: Tree): void => {
    const old = trees.get(tree.name);
    if (old && !isEmptyList(old.root)) {
      if (!isEmptyList(tree.root)) errorf(`template: multiple definition of template "${tree.name}"`);
      return;
    }
    trees.set(tree.name, tree);
  };

  const literal = (type: LiteralNode['type'], t: Token, value: unknown): LiteralNode => ({
    type,
    pos: t.pos,
    text: t.val,
    value,
  });

  const useVar = (t: Token): VariableNode => {
    const ident = t.val.split('.');
    if (!vars.includes(ident[0]!)) errorf(`undefined variable "${ident[0]}"`);
    return { type: 'variable', pos: t.pos, ident };
  };

  const term = (): ArgNode | undefined => {
    const t = nextNonSpace();
    switch (t.type) {
      case 'identifier':
        if (!hasFunction(t.val)) errorf(`function "${t.val}" not defined`);
        return { type: 'identifier', pos: t.pos, ident: t.val };
      case 'dot':
        return literal('dot', t, undefined);
      case 'nil':
        return literal('nil', t, null);
      case 'variable':
        return useVar(t);
      case 'field':
        return { type: 'field', pos: t.pos, ident: [t.val.slice(1)] };
      case 'bool':
        return literal('bool', t, t.val === 'true');
      case 'charConstant':
      case 'number': {
        const v = parseNumber(t.val);
        if (typeof v === 'string') return errorf(v);
        return literal('number', t, v);
      }
      case 'lparen':
        return pipeline('parenthesized pipeline', 'rparen');
      case 'string':
      case 'rawString': {
        const s = unquote(t.val);
        if (s === undefined) return errorf('invalid syntax');
        return literal('string', t, s);
      }
    }
    i--;
    return undefined;
  };

  const operand = (): ArgNode | undefined => {
    let node = term();
    if (!node) return undefined;
    if (peek().type === 'field') {
      const pos = peek().pos;
      const field: string[] = [];
      while (peek().type === 'field') field.push(next().val.slice(1));
      if (node.type === 'field') node = { type: 'field', pos, ident: [...node.ident, ...field] };
      else if (node.type === 'variable') node = { type: 'variable', pos, ident: [...node.ident, ...field] };
      else if (node.type === 'pipe' || node.type === 'identifier' || node.type === 'chain')
        node = { type: 'chain', pos, node, field };
      else errorf(`unexpected . after term ${JSON.stringify(node.text)}`);
    }
    return node;
  };

  const command = (): CommandNode => {
    const cmd: CommandNode = { type: 'command', pos: peekNonSpace().pos, args: [] };
    for (;;) {
      peekNonSpace();
      const op = operand();
      if (op) cmd.args.push(op);
      const t = next();
      if (t.type === 'space') continue;
      if (t.type === 'right' || t.type === 'rparen') i--;
      else if (t.type !== 'pipe') unexpected(t, 'operand');
      break;
    }
    if (cmd.args.length === 0) errorf('empty command');
    return cmd;
  };

  const pipeline = (context: string, end: 'right' | 'rparen'): PipeNode => {
    const pipe: PipeNode = { type: 'pipe', pos: peekNonSpace().pos, isAssign: false, decl: [], cmds: [] };
    for (;;) {
      const v = peekNonSpace();
      if (v.type !== 'variable') break;
      nextNonSpace();
      const save = i;
      const n = peekNonSpace();
      if (n.type === 'assign' || n.type === 'declare') {
        pipe.isAssign = n.type === 'assign';
        nextNonSpace();
        pipe.decl.push({ type: 'variable', pos: v.pos, ident: [v.val] });
        vars.push(v.val);
      } else if (n.type === 'char' && n.val === ',') {
        nextNonSpace();
        pipe.decl.push({ type: 'variable', pos: v.pos, ident: [v.val] });
        vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const p = peekNonSpace().type;
          if (p === 'variable' || p === 'right' || p === 'rparen') continue;
          errorf('range can only initialize variables');
        }
        errorf(`too many declarations in ${context}`);
      } else {
        i = save - 1; // "$x" is an operand, not a declaration
      }
      break;
    }
    for (;;) {
      const t = nextNonSpace();
      if (t.type === end) {
        if (pipe.cmds.length === 0) errorf(`missing value for ${context}`);
        pipe.cmds.slice(1).forEach((c, k) => {
          const a = c.args[0]!.type;
          if (a === 'bool' || a === 'dot' || a === 'nil' || a === 'number' || a === 'string')
            errorf(`non executable command in pipeline stage ${k + 2}`);
        });
        return pipe;
      }
      switch (t.type) {
        case 'bool':
        case 'charConstant':
        case 'dot':
        case 'field':
        case 'identifier':
        case 'number':
        case 'nil':
        case 'rawString':
        case 'string':
        case 'variable':
        case 'lparen':
          i--;
          pipe.cmds.push(command());
          break;
        default:
          unexpected(t, context);
      }
    }
  };

  const itemList = (): [ListNode, Delim] => {
    const list: ListNode = { type: 'list', pos: peekNonSpace().pos, nodes: [] };
    while (peekNonSpace().type !== 'eof') {
      const n = textOrAction();
      if ('line' in n) return [list, n];
      list.nodes.push(n);
    }
    return errorf('unexpected EOF');
  };

  const parseControl = (allowElseIf: boolean, context: 'if' | 'range' | 'with'): ControlNode => {
    const depth = vars.length;
    try {
      const pipe = pipeline(context, 'right');
      if (context === 'range') rangeDepth++;
      let [list, end] = itemList();
      if (context === 'range') rangeDepth--;
      let elseList: ListNode | undefined;
      if (end.type === 'else') {
        if (allowElseIf && peek().type === 'keyword' && peek().val === 'if') {
          next();
          elseList = { type: 'list', pos: end.pos, nodes: [parseControl(true, 'if')] };
        } else {
          [elseList, end] = itemList();
          if (end.type !== 'end') errorf(`expected end; found {{${end.type}}}`);
        }
      }
      return { type: context, pos: pipe.pos, pipe, list, elseList };
    } finally {
      vars = vars.slice(0, depth);
    }
  };

  const templateName = (t: Token, context: string): string => {
    if (t.type !== 'string' && t.type !== 'rawString') unexpected(t, context);
    const s = unquote(t.val);
    return s ?? errorf('invalid syntax');
  };

  const subTree = (treeName: string, context: string): void => {
    const saved = vars;
    const savedDepth = rangeDepth;
    vars = ['$'];
    rangeDepth = 0;
    const [root, end] = itemList();
    if (end.type !== 'end') errorf(`unexpected {{${end.type}}} in ${context}`);
    addTree({ name: treeName, parseName: name, text, root });
    vars = saved;
    rangeDepth = savedDepth;
  };

  const action = (): Node | Delim => {
    const t = nextNonSpace();
    if (t.type === 'keyword') {
      switch (t.val) {
        case 'block': {
          const nameTok = nextNonSpace();
          const blockName = templateName(nameTok, 'block clause');
          const pipe = pipeline('block clause', 'right');
          subTree(blockName, 'block clause');
          return { type: 'template', pos: nameTok.pos, name: blockName, pipe } satisfies TemplateNode;
        }
        case 'break':
        case 'continue': {
          if (rangeDepth === 0) errorf(`{{${t.val}}} outside {{range}}`);
          const r = nextNonSpace();
          if (r.type !== 'right') unexpected(r, `{{${t.val}}}`);
          return { type: t.val, pos: t.pos };
        }
        case 'else': {
          const p = peekNonSpace();
          if (p.type === 'keyword' && p.val === 'if') return { type: 'else', pos: p.pos, line: p.line };
          const r = expect('right', 'else');
          return { type: 'else', pos: r.pos, line: r.line };
        }
        case 'end': {
          const r = expect('right', 'end');
          return { type: 'end', pos: r.pos, line: r.line };
        }
        case 'if':
          return parseControl(true, 'if');
        case 'range':
          return parseControl(false, 'range');
        case 'with':
          return parseControl(false, 'with');
        case 'template': {
          const nameTok = nextNonSpace();
          const tmplName = templateName(nameTok, 'template clause');
          let pipe: PipeNode | undefined;
          if (nextNonSpace().type !== 'right') {
            i--;
            pipe = pipeline('template clause', 'right');
          }
          return { type: 'template', pos: nameTok.pos, name: tmplName, pipe } satisfies TemplateNode;
        }
        case 'define':
          return errorf('unexpected <define> in command');
      }
    }
    i--;
    const pos = peek().pos;
    return { type: 'action', pos, pipe: pipeline('command', 'right') };
  };

  const textOrAction = (): Node | Delim => {
    const t = nextNonSpace();
    if (t.type === 'text') return { type: 'text', pos: t.pos, text: t.val };
    if (t.type === 'left') {
      actionLine = t.line;
      try {
        return action();
      } finally {
        actionLine = 0;
      }
    }
    return unexpected(t, 'input');
  };

  {
    const root: ListNode = { type: 'list', pos: peek().pos, nodes: [] };
    while (peek().type !== 'eof') {
      if (peek().type === 'left') {
        const save = i;
        next();
        const d = nextNonSpace();
        if (d.type === 'keyword' && d.val === 'define') {
          const nameTok = nextNonSpace();
          const defName = templateName(nameTok, 'define clause');
          expect('right', 'define clause');
          subTree(defName, 'define clause');
          continue;
        }
        i = save;
      }
      const n = textOrAction();
      if ('line' in n) errorf(`unexpected {{${n.type}}}`);
      root.nodes.push(n as Node);
    }
    addTree({ name, parseName: name, text, root });
  }
  return trees;
}

/** Go's parse.IsEmptyTree: only whitespace text (a define holding nothing does not replace another). */
export function isEmptyList(list: ListNode): boolean {
  return list.nodes.every((n) =>
    n.type === 'text' ? n.text.trim() === '' : n.type === 'list' && isEmptyList(n),
  );
}
