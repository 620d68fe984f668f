import { compareBytes, type Labels, matchesLabels } from '@argus/core';
import type { Route } from './config.js';
import { goQuote } from './matchers.js';

/**
 * Writes the routes an alert goes to into `out` from index `n`: depth-first, first matching child unless it has
 * `continue`; else the node itself. Returns the new count, or -1 when `route` does not match. It runs once per
 * alert, so it fills a reused array instead of returning new ones.
 */
export function collectRoutes(route: Route, labels: Labels, out: Route[], n: number): number {
  if (!matchesLabels(route.matchers, labels)) return -1;
  let count = n;
  const children = route.children;
  for (let i = 0; i < children.length; i++) {
    const got = collectRoutes(children[i]!, labels, out, count);
    if (got < 0) continue;
    count = got;
    if (!children[i]!.continue) break;
  }
  if (count === n) out[count++] = route;
  return count;
}

/** The labels an alert is grouped by on `route` (only those it has; all of them for `...`). */
export function groupLabels(route: Route, labels: Labels): Labels {
  if (route.groupBy === 'all') return labels;
  const out: Record<string, string> = {};
  for (const l of route.groupBy) if (labels[l] !== undefined) out[l] = labels[l];
  return out;
}

/** Prometheus's `LabelSet.String()`: `{a="1", b="2"}`, names in byte order. */
export function labelSetString(labels: Labels): string {
  // label names are ASCII, where UTF-16 order is byte order; only odd names need the slow comparison
  const names = Object.keys(labels);
  names.sort(names.every((n) => /^[A-Za-z0-9_]*$/.test(n)) ? undefined : compareBytes);
  return `{${names.map((n) => `${n}=${goQuote(labels[n]!)}`).join(', ')}}`;
}

/** Alertmanager's group key: `<route key>:<group labels>`. */
export function groupKey(route: Route, group: Labels): string {
  return `${route.key}:${labelSetString(group)}`;
}
