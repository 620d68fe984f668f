// Parsed expressions kept per engine: a rule group sends the same expressions at every evaluation, and Grafana
// the same panel queries at every refresh, and parsing (grammar, then type checks) costs about as much as
// evaluating a small query. Expressions are never changed after parsing (every caller reads them only), so one
// tree can serve any number of queries, also at once.
import type { Expr } from '../parser/ast.js';
import { parseExpr } from '../parser/parse.js';

/** Distinct query texts kept; the least recently used one goes first. */
const MAX_ENTRIES = 512;
/** Longer texts are parsed every time: a cache of them would hold a lot of memory for rare hits. */
const MAX_TEXT = 4096;

/** A parse function with an LRU cache; errors are not cached (parsing again throws the same error). */
export function cachedParser(): (query: string) => Expr {
  const cache = new Map<string, Expr>();
  return (query) => {
    if (query.length > MAX_TEXT) return parseExpr(query);
    let e = cache.get(query);
    if (e) {
      // move to the newest end: a Map iterates in insertion order
      cache.delete(query);
    } else {
      e = parseExpr(query);
      if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
    }
    cache.set(query, e);
    return e;
  };
}
