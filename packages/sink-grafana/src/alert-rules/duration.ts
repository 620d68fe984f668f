// Prometheus durations (`1m30s`, `500ms`), as rule files and Grafana's provisioning files write them.
const UNIT_MS: Record<string, number> = {
  y: 31_536_000_000,
  w: 604_800_000,
  d: 86_400_000,
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
};
const PART = /(\d+)(ms|y|w|d|h|m|s)/gy;

/** ms of a Prometheus duration, or undefined when it is not one. */
export function durationMs(text: string): number | undefined {
  if (text === '0') return 0;
  PART.lastIndex = 0;
  let total = 0;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = PART.exec(text)) !== null) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    end = PART.lastIndex;
  }
  return end === text.length && end > 0 ? total : undefined;
}

/** A duration as Grafana's files write it: whole seconds (`90s`), else ms. */
export function durationText(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
