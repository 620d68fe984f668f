import { compareBytes, type Labels } from '@argus/core';
import { matchesLabels } from '@argus/processors';
import type { Route } from './config.js';
import { goQuote } from './matchers.js';

/** The routes an alert goes to: depth-first, first matching child unless it has `continue`; else the node itself. */
export function matchRoutes(route: Route, labels: Labels): Route[] {
  if (!matchesLabels(route.matchers, labels)) return [];
  const all: Route[] = [];
  for (const child of route.children) {
    const m = matchRoutes(child, labels);
    all.push(...m);
    if (m.length > 0 && !child.continue) break;
  }
  return all.length > 0 ? all : [route];
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
