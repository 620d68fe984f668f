// @prometheus-io/lezer-promql 0.42 ships types, but its package.json "exports" does not point at them.
declare module '@prometheus-io/lezer-promql' {
  import type { LRParser } from '@lezer/lr';
  export const parser: LRParser;
}
