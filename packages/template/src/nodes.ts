// The parse tree of a template, shaped like Go's text/template/parse nodes (positions are offsets in the text).

export interface Tree {
  readonly name: string;
  /** Name of the template whose text this tree was parsed from (what error locations name). */
  readonly parseName: string;
  readonly text: string;
  root: ListNode;
}

interface Base {
  readonly pos: number;
}

export interface ListNode extends Base {
  readonly type: 'list';
  readonly nodes: Node[];
}
export interface TextNode extends Base {
  readonly type: 'text';
  readonly text: string;
}
export interface ActionNode extends Base {
  readonly type: 'action';
  readonly pipe: PipeNode;
}
export interface ControlNode extends Base {
  readonly type: 'if' | 'range' | 'with';
  readonly pipe: PipeNode;
  readonly list: ListNode;
  readonly elseList?: ListNode;
}
export interface TemplateNode extends Base {
  readonly type: 'template';
  readonly name: string;
  readonly pipe?: PipeNode;
}
export interface BreakNode extends Base {
  readonly type: 'break' | 'continue';
}
export type Node = ListNode | TextNode | ActionNode | ControlNode | TemplateNode | BreakNode;

export interface PipeNode extends Base {
  readonly type: 'pipe';
  isAssign: boolean;
  readonly decl: VariableNode[];
  readonly cmds: CommandNode[];
}
export interface CommandNode extends Base {
  readonly type: 'command';
  readonly args: ArgNode[];
}
export interface FieldNode extends Base {
  readonly type: 'field';
  readonly ident: string[];
}
export interface VariableNode extends Base {
  readonly type: 'variable';
  readonly ident: string[];
}
export interface ChainNode extends Base {
  readonly type: 'chain';
  readonly node: ArgNode;
  readonly field: string[];
}
export interface IdentifierNode extends Base {
  readonly type: 'identifier';
  readonly ident: string;
}
export interface LiteralNode extends Base {
  readonly type: 'string' | 'number' | 'bool' | 'dot' | 'nil';
  /** The text as written (for error contexts) */
  readonly text: string;
  readonly value: unknown;
}
export type ArgNode = FieldNode | VariableNode | ChainNode | IdentifierNode | LiteralNode | PipeNode;

/** Go's Node.String(): how an error's `at <…>` context prints a node. */
export function nodeString(n: ArgNode | CommandNode): string {
  switch (n.type) {
    case 'field':
      return n.ident.map((f) => `.${f}`).join('');
    case 'variable':
      return n.ident.join('.');
    case 'chain': {
      const inner = n.node.type === 'pipe' ? `(${nodeString(n.node)})` : nodeString(n.node);
      return inner + n.field.map((f) => `.${f}`).join('');
    }
    case 'identifier':
      return n.ident;
    case 'command':
      return n.args.map((a) => (a.type === 'pipe' ? `(${nodeString(a)})` : nodeString(a))).join(' ');
    case 'pipe': {
      const decl = n.decl.length ? `${n.decl.map(nodeString).join(', ')} ${n.isAssign ? '=' : ':='} ` : '';
      return decl + n.cmds.map(nodeString).join(' | ');
    }
    default:
      return n.text;
  }
}
