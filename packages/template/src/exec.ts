// Go's text/template executor (text/template/exec.go): evaluation order, variable scoping, missingkey, and
// error messages located as Go locates them (`template: NAME:LINE:COL: executing "NAME" at <NODE>: …`).
import { formatV } from './fmt.js';
import { type FuncMap, type ParamType, RAW_ARGS, type TemplateFunc } from './funcs.js';
import { HtmlContext } from './html.js';
import {
  type ArgNode,
  type ChainNode,
  type CommandNode,
  type ControlNode,
  type FieldNode,
  type IdentifierNode,
  type Node,
  nodeString,
  type PipeNode,
  type TemplateNode,
  type Tree,
  type VariableNode,
} from './nodes.js';
import { GoMap, isPlainObject, isTrue, mapEntries, typeName } from './values.js';

/** What a missing map key gives: `<no value>` (default), the element's zero value, or an error. */
export type MissingKey = 'default' | 'zero' | 'error';

/** A template that failed while executing; the message is Go's. */
export class TemplateExecError extends Error {
  readonly code = 'ERR_TEMPLATE_EXEC';
}

/** Thrown by a function whose result is a Promise: executeAsync awaits it and runs the template again. */
export class Pending {
  constructor(
    readonly key: string,
    readonly promise: PromiseLike<unknown>,
  ) {}
}

/** A Promise a function returned that rejected: the call fails as if the function had thrown. */
export class Rejected {
  constructor(readonly error: unknown) {}
}

const MISSING: unique symbol = Symbol('missing');
type Final = unknown | typeof MISSING;
const BREAK = Symbol('break');
const CONTINUE = Symbol('continue');
const MAX_DEPTH = 100_000;

export interface ExecContext {
  readonly trees: ReadonlyMap<string, Tree>;
  readonly funcs: FuncMap;
  readonly missingKey: MissingKey;
  /** Results of asynchronous calls already awaited, by call key (see Pending). */
  readonly resolved: Map<string, unknown>;
  /** html/template mode: each action's output is escaped for its HTML context (see html.ts). */
  readonly html?: boolean;
}

const GO_TYPE_NAME: Record<ParamType, string> = {
  any: 'interface {}',
  string: 'string',
  float64: 'float64',
  int: 'int',
  bool: 'bool',
};

const LITERAL_KIND: Record<ParamType, string> = {
  any: 'value',
  string: 'string',
  float64: 'float',
  int: 'integer',
  bool: 'bool',
};

/** Runs tree `tree` with `data` as dot; returns the text. */
export function execute(ctx: ExecContext, tree: Tree, data: unknown): string {
  const out: string[] = [];
  const html = ctx.html ? new HtmlContext() : undefined;
  let depth = 0;
  let current = tree;
  let at: { pos: number; text: string } | undefined;
  let vars: { name: string; value: unknown }[] = [{ name: '$', value: data }];

  const setAt = (pos: number, text: string): void => {
    at = { pos, text };
  };
  const errorf = (msg: string): never => {
    if (!at) throw new TemplateExecError(`template: ${current.name}: ${msg}`);
    const before = current.text.slice(0, at.pos);
    const nl = before.lastIndexOf('\n');
    const line = 1 + (before.match(/\n/g)?.length ?? 0);
    const col = Buffer.byteLength(nl < 0 ? before : before.slice(nl + 1));
    throw new TemplateExecError(
      `template: ${current.parseName}:${line}:${col}: executing "${current.name}" at <${at.text}>: ${msg}`,
    );
  };

  const varValue = (name: string): unknown => {
    for (let k = vars.length - 1; k >= 0; k--) if (vars[k]!.name === name) return vars[k]!.value;
    return errorf(`undefined variable: ${name}`);
  };
  const setVar = (name: string, value: unknown): void => {
    for (let k = vars.length - 1; k >= 0; k--)
      if (vars[k]!.name === name) {
        vars[k]!.value = value;
        return;
      }
    errorf(`undefined variable: ${name}`);
  };

  const notAFunction = (args: readonly ArgNode[], final: Final): void => {
    if (args.length > 1 || final !== MISSING)
      errorf(`can't give argument to non-function ${nodeString(args[0]!)}`);
  };

  const convert = (value: unknown, type: ParamType): unknown => {
    if (value === undefined) {
      if (type === 'any') return null;
      return errorf(`invalid value; expected ${GO_TYPE_NAME[type]}`);
    }
    if (type === 'any') return value;
    if (type === 'float64' && typeof value === 'bigint') return Number(value);
    if (type === 'int' && typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
    const ok =
      (type === 'string' && typeof value === 'string') ||
      (type === 'float64' && typeof value === 'number') ||
      (type === 'int' && typeof value === 'bigint') ||
      (type === 'bool' && typeof value === 'boolean');
    if (!ok) errorf(`wrong type for value; expected ${GO_TYPE_NAME[type]}; got ${typeName(value)}`);
    return value;
  };

  // a literal of the wrong kind is refused as Go's evalArg refuses it ("expected string; found 1")
  const convertArg = (n: ArgNode, value: unknown, type: ParamType): unknown => {
    const literal = n.type === 'string' || n.type === 'number' || n.type === 'bool' || n.type === 'nil';
    if (!literal || type === 'any') return convert(value, type);
    if (n.type === 'nil') return errorf(`cannot assign nil to ${GO_TYPE_NAME[type]}`);
    const fits =
      (type === 'string' && n.type === 'string') ||
      (type === 'float64' && n.type === 'number') ||
      (type === 'int' && n.type === 'number' && typeof value === 'bigint') ||
      (type === 'bool' && n.type === 'bool');
    if (!fits) errorf(`expected ${LITERAL_KIND[type]}; found ${n.text}`);
    return convert(value, type);
  };

  const evalArg = (dot: unknown, n: ArgNode): unknown => {
    setAt(n.pos, nodeString(n));
    switch (n.type) {
      case 'dot':
        return dot;
      case 'nil':
        return null;
      case 'field':
        return evalFieldNode(dot, n, [n], MISSING);
      case 'variable':
        return evalVariableNode(dot, n, [n], MISSING);
      case 'pipe':
        return evalPipeline(dot, n);
      case 'identifier':
        return evalFunction(dot, n, n, [n], MISSING);
      case 'chain':
        return evalChainNode(dot, n, [], MISSING);
      default:
        return n.value;
    }
  };

  const callFunction = (
    dot: unknown,
    fn: TemplateFunc,
    name: string,
    node: { pos: number; text: string },
    argNodes: readonly ArgNode[],
    final: Final,
  ): unknown => {
    const params = fn.params;
    const numIn = argNodes.length + (final === MISSING ? 0 : 1);
    if (params) {
      if (fn.variadic !== undefined) {
        if (numIn < params.length)
          errorf(`wrong number of args for ${name}: want at least ${params.length} got ${numIn}`);
      } else if (numIn !== params.length)
        errorf(`wrong number of args for ${name}: want ${params.length} got ${numIn}`);
    }
    const typeAt = (k: number): ParamType => (params ? (params[k] ?? fn.variadic ?? 'any') : 'any');
    if (fn === ctx.funcs['and'] || fn === ctx.funcs['or']) {
      const isOr = fn === ctx.funcs['or'];
      let v: unknown;
      for (const arg of argNodes) {
        v = evalArg(dot, arg);
        if (isTrue(v) === isOr) return v;
      }
      return final === MISSING ? v : final;
    }
    const raw = RAW_ARGS.has(fn);
    const argv = argNodes.map((arg, k) => {
      const v = evalArg(dot, arg);
      return raw && typeAt(k) === 'any' ? v : convertArg(arg, v, typeAt(k));
    });
    const finalType = typeAt(argNodes.length);
    if (final !== MISSING) argv.push(raw && finalType === 'any' ? final : convert(final, finalType));
    let key: string | undefined;
    if (ctx.resolved.size > 0) {
      key = callKey(name, argv);
      if (ctx.resolved.has(key)) {
        const known = ctx.resolved.get(key);
        if (!(known instanceof Rejected)) return known;
        setAt(node.pos, node.text);
        const e = known.error;
        errorf(`error calling ${name}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    let result: unknown;
    try {
      result = (fn as (...a: unknown[]) => unknown)(...argv);
    } catch (e) {
      if (e instanceof TemplateExecError || e instanceof Pending) throw e;
      setAt(node.pos, node.text);
      errorf(`error calling ${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (isThenable(result)) throw new Pending(key ?? callKey(name, argv), result);
    return result;
  };

  const evalFunction = (
    dot: unknown,
    node: IdentifierNode,
    cmd: ArgNode | CommandNode,
    args: readonly ArgNode[],
    final: Final,
  ): unknown => {
    setAt(node.pos, node.ident);
    const fn = ctx.funcs[node.ident];
    if (!fn) return errorf(`"${node.ident}" is not a defined function`);
    return callFunction(dot, fn, node.ident, { pos: cmd.pos, text: nodeString(cmd) }, args.slice(1), final);
  };

  const evalField = (
    dot: unknown,
    fieldName: string,
    node: ArgNode,
    args: readonly ArgNode[],
    final: Final,
    receiver: unknown,
    staticType?: string,
  ): unknown => {
    if (receiver === undefined) {
      if (ctx.missingKey === 'error') errorf(`nil data; no entry for key "${fieldName}"`);
      return undefined;
    }
    if (receiver === null)
      return errorf(`nil pointer evaluating ${staticType ?? 'interface {}'}.${fieldName}`);
    const hasArgs = args.length > 1 || final !== MISSING;
    const isMap = receiver instanceof GoMap || isPlainObject(receiver);
    // methods first, as Go looks them up before map keys and fields (Alertmanager's KV.SortedPairs, Alerts.Firing)
    if (typeof receiver === 'object' && !isPlainObject(receiver) && fieldName !== 'constructor') {
      const member = (receiver as Record<string, unknown>)[fieldName];
      if (typeof member === 'function') {
        const method = member.bind(receiver) as TemplateFunc;
        Object.assign(method, {
          params: (member as TemplateFunc).params,
          variadic: (member as TemplateFunc).variadic,
        });
        return callFunction(
          dot,
          method,
          fieldName,
          { pos: node.pos, text: nodeString(node) },
          args.slice(1),
          final,
        );
      }
      if (!isMap && Object.hasOwn(receiver, fieldName)) {
        if (hasArgs) errorf(`${fieldName} has arguments but cannot be invoked as function`);
        return member;
      }
    }
    if (isMap) {
      const has =
        receiver instanceof GoMap ? receiver.entries.has(fieldName) : Object.hasOwn(receiver, fieldName);
      if (has) {
        if (hasArgs) errorf(`${fieldName} is not a method but has arguments`);
        return receiver instanceof GoMap ? receiver.entries.get(fieldName) : receiver[fieldName];
      }
      if (ctx.missingKey === 'zero') return receiver instanceof GoMap ? (receiver.zero ?? null) : null;
      if (ctx.missingKey === 'error') errorf(`map has no entry for key "${fieldName}"`);
      return undefined;
    }
    return errorf(`can't evaluate field ${fieldName} in type ${staticType ?? typeName(receiver)}`);
  };

  const evalFieldChain = (
    dot: unknown,
    receiver: unknown,
    node: ArgNode,
    ident: readonly string[],
    args: readonly ArgNode[],
    final: Final,
  ): unknown => {
    let r = receiver;
    let staticType: string | undefined;
    for (let k = 0; k < ident.length - 1; k++) {
      // a value read from a map[string]interface{} has Go's static type interface {} (what errors name)
      const fromInterface = isPlainObject(r) || (r instanceof GoMap && r.zero !== '');
      r = evalField(dot, ident[k]!, node, [], MISSING, r, staticType);
      staticType = fromInterface ? 'interface {}' : undefined;
    }
    return evalField(dot, ident[ident.length - 1]!, node, args, final, r, staticType);
  };

  const evalFieldNode = (dot: unknown, field: FieldNode, args: readonly ArgNode[], final: Final): unknown => {
    setAt(field.pos, nodeString(field));
    return evalFieldChain(dot, dot, field, field.ident, args, final);
  };

  const evalVariableNode = (
    dot: unknown,
    v: VariableNode,
    args: readonly ArgNode[],
    final: Final,
  ): unknown => {
    setAt(v.pos, nodeString(v));
    const value = varValue(v.ident[0]!);
    if (v.ident.length === 1) {
      notAFunction(args, final);
      return value;
    }
    return evalFieldChain(dot, value, v, v.ident.slice(1), args, final);
  };

  const evalChainNode = (dot: unknown, chain: ChainNode, args: readonly ArgNode[], final: Final): unknown => {
    if (chain.node.type === 'nil') errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = evalArg(dot, chain.node);
    return evalFieldChain(dot, pipe, chain, chain.field, args.length ? args : [chain], final);
  };

  const evalCommand = (dot: unknown, cmd: CommandNode, final: Final): unknown => {
    const first = cmd.args[0]!;
    switch (first.type) {
      case 'field':
        return evalFieldNode(dot, first, cmd.args, final);
      case 'chain':
        return evalChainNode(dot, first, cmd.args, final);
      case 'identifier':
        return evalFunction(dot, first, cmd, cmd.args, final);
      case 'pipe':
        notAFunction(cmd.args, final);
        return evalPipeline(dot, first);
      case 'variable':
        return evalVariableNode(dot, first, cmd.args, final);
    }
    setAt(first.pos, nodeString(first));
    notAFunction(cmd.args, final);
    if (first.type === 'dot') return dot;
    if (first.type === 'nil') return errorf('nil is not a command');
    return first.value;
  };

  const evalPipeline = (dot: unknown, pipe: PipeNode | undefined): unknown => {
    if (!pipe) return undefined;
    setAt(pipe.pos, nodeString(pipe));
    let value: unknown = MISSING;
    for (const cmd of pipe.cmds) value = evalCommand(dot, cmd, value);
    for (const v of pipe.decl) {
      if (pipe.isAssign) setVar(v.ident[0]!, value);
      else vars.push({ name: v.ident[0]!, value });
    }
    return value;
  };

  // fmt.Sprint of the value, a struct pointer printed as its struct (as exec.go's printableValue)
  const printed = (v: unknown): string => {
    const s = formatV(v);
    return s.startsWith('&{') ? s.slice(1) : s;
  };
  const printValue = (pipe: PipeNode, v: unknown): void => {
    if (typeof v === 'function') {
      setAt(pipe.pos, `{{${nodeString(pipe)}}}`);
      errorf(`can't print {{${nodeString(pipe)}}} of type ${typeName(v)}`);
    }
    if (html) {
      const r = html.escape(v, () => printed(v));
      if (!r.ok) {
        setAt(pipe.pos, `{{${nodeString(pipe)}}}`);
        errorf(r.error);
      }
      out.push((r as { text: string }).text);
      return;
    }
    out.push(v === undefined ? '<no value>' : printed(v));
  };

  const walkControl = (dot: unknown, n: ControlNode): void => {
    const mark = vars.length;
    try {
      const val = evalPipeline(dot, n.pipe);
      if (n.type === 'range') walkRange(dot, n, val);
      else if (isTrue(val)) walk(n.type === 'with' ? val : dot, n.list);
      else if (n.elseList) walk(dot, n.elseList);
    } finally {
      vars.length = mark;
    }
  };

  const walkRange = (dot: unknown, n: ControlNode, val: unknown): void => {
    const mark = vars.length;
    const one = (indexValue: unknown, elem: unknown): boolean => {
      const decl = n.pipe.decl;
      if (decl.length > 0) {
        if (n.pipe.isAssign) {
          if (decl.length > 1) {
            setVar(decl[0]!.ident[0]!, indexValue);
            setVar(decl[1]!.ident[0]!, elem);
          } else setVar(decl[0]!.ident[0]!, elem);
        } else {
          vars[vars.length - 1]!.value = elem;
          if (decl.length > 1) vars[vars.length - 2]!.value = indexValue;
        }
      }
      try {
        walk(elem, n.list);
      } catch (e) {
        if (e === BREAK) return false;
        if (e !== CONTINUE) throw e;
      } finally {
        vars.length = mark;
      }
      return true;
    };
    let items: [unknown, unknown][] | undefined;
    if (Array.isArray(val)) items = val.map((e, k) => [BigInt(k), e]);
    else if (val === undefined || val === null) items = [];
    else items = mapEntries(val);
    if (!items) errorf(`range can't iterate over ${formatV(val)}`);
    for (const [k, e] of items!) if (!one(k, e)) return;
    if (items!.length === 0 && n.elseList) walk(dot, n.elseList);
  };

  const walkTemplate = (dot: unknown, n: TemplateNode): void => {
    setAt(n.pos, `{{template "${n.name}"${n.pipe ? ` ${nodeString(n.pipe)}` : ''}}}`);
    const tree = ctx.trees.get(n.name);
    if (!tree) errorf(`template "${n.name}" not defined`);
    if (depth >= MAX_DEPTH) errorf(`exceeded maximum template depth (${MAX_DEPTH})`);
    const newDot = evalPipeline(dot, n.pipe);
    const saved = { vars, current, depth };
    vars = [{ name: '$', value: newDot }];
    current = tree!;
    depth++;
    try {
      walk(newDot, tree!.root);
    } finally {
      ({ vars, current, depth } = saved);
    }
  };

  const walk = (dot: unknown, node: Node): void => {
    switch (node.type) {
      case 'text':
        out.push(html ? html.feed(node.text) : node.text);
        return;
      case 'list':
        for (const child of node.nodes) walk(dot, child);
        return;
      case 'action': {
        setAt(node.pos, `{{${nodeString(node.pipe)}}}`);
        const val = evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) printValue(node.pipe, val);
        return;
      }
      case 'break':
        throw BREAK;
      case 'continue':
        throw CONTINUE;
      case 'template':
        walkTemplate(dot, node);
        return;
      default:
        walkControl(dot, node);
    }
  };

  // Go's Execute(nil): dot is no value
  const root = data === null ? undefined : data;
  vars = [{ name: '$', value: root }];
  walk(root, tree.root);
  return out.join('');
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as PromiseLike<unknown>).then === 'function';
}

function callKey(name: string, args: readonly unknown[]): string {
  return `${name}\0${args.map((a) => `${typeName(a)}=${formatV(a)}`).join('\0')}`;
}
