// A set of named templates sharing one function map, like Go's *template.Template: parse several texts
// (each may `define` templates), then execute any of them by name.
import { type ExecContext, execute, type MissingKey, Pending, Rejected, TemplateExecError } from './exec.js';
import { builtins, type FuncMap } from './funcs.js';
import type { Tree } from './nodes.js';
import { isEmptyList, parse } from './parse.js';

export interface TemplateOptions {
  /** Functions added to Go's builtins (a name given here replaces a builtin of that name). */
  readonly funcs?: FuncMap;
  /** Go's `missingkey` option: `default` prints `<no value>`, `zero` the zero value, `error` fails. */
  readonly missingKey?: MissingKey;
  /** Go's html/template instead of text/template: actions' output is escaped for its HTML context. */
  readonly html?: boolean;
}

export interface Templates {
  /** Parses `text` as template `name` and adds it and every template it defines; throws TemplateParseError. */
  parse(name: string, text: string): Templates;
  /** Adds functions; templates parsed afterwards can call them. */
  funcs(funcs: FuncMap): Templates;
  /** Whether a template of that name is defined. */
  has(name: string): boolean;
  /** Names of the defined templates, sorted. */
  names(): string[];
  /** Executes template `name` with `data` as dot; throws TemplateExecError. Functions must answer synchronously. */
  execute(name: string, data: unknown): string;
  /** Like execute, but functions may return Promises (such as `query`): they are awaited. */
  executeAsync(name: string, data: unknown): Promise<string>;
  /** A copy sharing nothing mutable, so callers can add functions or templates without affecting this set. */
  clone(): Templates;
}

/** Creates an empty template set with Go's builtin functions and `options.funcs`. */
export function createTemplates(options: TemplateOptions = {}): Templates {
  return makeSet(new Map(), { ...builtins, ...options.funcs }, options.missingKey ?? 'default', options.html);
}

function makeSet(
  trees: Map<string, Tree>,
  funcs: Record<string, FuncMap[string]>,
  missingKey: MissingKey,
  html = false,
): Templates {
  const lookup = (name: string): Tree => {
    const tree = trees.get(name);
    if (!tree) {
      const names = [...trees.keys()].sort();
      throw new TemplateExecError(
        `template: no template "${name}" associated with template "${names[0] ?? name}"`,
      );
    }
    return tree;
  };
  const run = (name: string, data: unknown, resolved: Map<string, unknown>): string => {
    const ctx: ExecContext = { trees, funcs, missingKey, resolved, html };
    return execute(ctx, lookup(name), data);
  };
  const set: Templates = {
    parse(name, text) {
      const parsed = parse(name, text, (f) => Object.hasOwn(funcs, f));
      for (const [n, tree] of parsed) {
        const old = trees.get(n);
        // as Go's AddParseTree: an empty definition does not replace an existing one
        if (old && isEmptyList(tree.root) && !isEmptyList(old.root)) continue;
        trees.set(n, tree);
      }
      return set;
    },
    funcs(more) {
      Object.assign(funcs, more);
      return set;
    },
    has: (name) => trees.has(name),
    names: () => [...trees.keys()].sort(),
    execute(name, data) {
      try {
        return run(name, data, new Map());
      } catch (e) {
        if (e instanceof Pending)
          throw new TemplateExecError(
            `template: ${name}: a function returned a Promise (${e.key.split('\0')[0]}); use executeAsync`,
          );
        throw e;
      }
    },
    async executeAsync(name, data) {
      const resolved = new Map<string, unknown>();
      for (;;) {
        try {
          return run(name, data, resolved);
        } catch (e) {
          if (!(e instanceof Pending)) throw e;
          // functions are pure but for their awaited results: run again with this result known
          try {
            resolved.set(e.key, await e.promise);
          } catch (err) {
            resolved.set(e.key, new Rejected(err));
          }
        }
      }
    },
    clone: () => makeSet(new Map(trees), { ...funcs }, missingKey, html),
  };
  return set;
}
