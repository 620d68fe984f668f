// The multi-window, multi-burn-rate alerts of the Google SRE workbook ("Alerting on SLOs", table 5-8): for a
// 30-day SLO, page when 2 % of the budget burns in 1 h or 5 % in 6 h, open a ticket when 10 % burns in 1 d or in
// 3 d; each long window is paired with a short one of 1/12 its length so the alert stops soon after the burn does.

/** One alert condition: a burn rate over a long window, confirmed over a short one. */
export interface BurnWindow {
  readonly severity: 'page' | 'ticket';
  readonly longMs: number;
  readonly shortMs: number;
  /** Share of the period's error budget this condition spends before alerting (0.02 = 2 %). */
  readonly budgetShare: number;
}

const M = 60_000;
const H = 60 * M;
const D = 24 * H;

/** The workbook's four conditions; the windows are fixed, the burn rates follow the period. */
export const BURN_WINDOWS: readonly BurnWindow[] = [
  { severity: 'page', longMs: 1 * H, shortMs: 5 * M, budgetShare: 0.02 },
  { severity: 'page', longMs: 6 * H, shortMs: 30 * M, budgetShare: 0.05 },
  { severity: 'ticket', longMs: 1 * D, shortMs: 2 * H, budgetShare: 0.1 },
  { severity: 'ticket', longMs: 3 * D, shortMs: 6 * H, budgetShare: 0.1 },
];

/**
 * The burn rate at which `budgetShare` of the budget is spent within `longMs`: 14.4, 6, 3 and 1 for 30 days.
 * Rounded to 6 significant digits so the rule text stays readable (28 days gives 13.44, 5.6, 2.8 and 0.933333).
 */
export function burnRate(w: BurnWindow, periodMs: number): number {
  return Number(((w.budgetShare * periodMs) / w.longMs).toPrecision(6));
}

/** Every window an SLI needs a recording rule for, shortest first. */
export function sliWindows(): number[] {
  return [...new Set(BURN_WINDOWS.flatMap((w) => [w.shortMs, w.longMs]))].sort((a, b) => a - b);
}

/** A duration as Prometheus writes it, in the largest unit that divides it: `5m`, `6h`, `3d`, `90s`. */
export function promDuration(ms: number): string {
  for (const [unit, size] of [
    ['d', D],
    ['h', H],
    ['m', M],
    ['s', 1000],
  ] as const)
    if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}
