// Generates, from an SLO file, Prometheus rule groups: one recording rule per SLI window (the error ratio over
// 5m … 3d), the budget figures over the period, and the SRE workbook's page and ticket alerts over those
// recordings. The same groups run in process or export as a rule file (`sloRuleFile`).
import { stringify } from 'yaml';
import { parseDuration } from '../duration.js';
import { parseSloFile, SLI_WINDOW, type Slo, type SloFile, type SloFileInput } from './spec.js';
import { BURN_WINDOWS, burnRate, promDuration, sliWindows } from './windows.js';

/** A recording or alerting rule, in the fields of a Prometheus rule file. */
export type SloRule =
  | { readonly record: string; readonly expr: string; readonly labels?: Readonly<Record<string, string>> }
  | {
      readonly alert: string;
      readonly expr: string;
      readonly labels?: Readonly<Record<string, string>>;
      readonly annotations?: Readonly<Record<string, string>>;
    };

/** A rule group, in the fields of a Prometheus rule file. */
export interface SloRuleGroup {
  readonly name: string;
  readonly interval: string;
  readonly rules: readonly SloRule[];
}

/** The name of the error-ratio recording over `windowMs`, e.g. `slo:sli_error:ratio_rate5m`. */
export const errorRatioName = (windowMs: number): string =>
  `slo:sli_error:ratio_rate${promDuration(windowMs)}`;

// 1 - 99.9/100 is 0.0010000000000000009 in binary floating point; the rule text should say 0.001
const tidy = (x: number): number => Number(x.toPrecision(12));

function errorRatioExpr(slo: Slo, windowMs: number): string {
  const w = (q: string): string => q.split(SLI_WINDOW).join(promDuration(windowMs));
  if ('events' in slo.sli) {
    const { good, errors, total } = slo.sli.events;
    return errors !== undefined
      ? `(${w(errors)})\n/\n(${w(total)})`
      : `1 - (\n  (${w(good!)})\n  /\n  (${w(total)})\n)`;
  }
  const { metric, thresholdSeconds, matchers, by } = slo.sli.latency;
  const extra = matchers ? `${matchers}, ` : '';
  const sum = by.length > 0 ? `sum by (${by.join(', ')})` : 'sum';
  const range = promDuration(windowMs);
  const good = `${sum} (rate(${metric}_bucket{${extra}le="${thresholdSeconds}"}[${range}]))`;
  const total = `${sum} (rate(${metric}_count{${matchers ?? ''}}[${range}]))`;
  return `1 - (\n  ${good}\n  /\n  ${total}\n)`;
}

const pascal = (s: string): string =>
  s
    .split(/[-_]/)
    .filter(Boolean)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');

function alertRules(file: SloFile, slo: Slo, sel: string, budget: number, periodMs: number): SloRule[] {
  const out: SloRule[] = [];
  const alertName = slo.alerting.name ?? `${pascal(slo.name)}BudgetBurn`;
  for (const severity of ['page', 'ticket'] as const) {
    const conf = slo.alerting[severity];
    if (conf.disable) continue;
    const conditions = BURN_WINDOWS.filter((b) => b.severity === severity).map((b) => {
      const limit = `(${burnRate(b, periodMs)} * ${budget})`;
      return `(\n  ${errorRatioName(b.longMs)}${sel} > ${limit}\nand\n  ${errorRatioName(b.shortMs)}${sel} > ${limit}\n)`;
    });
    out.push({
      alert: alertName,
      expr: conditions.join('\nor\n'),
      labels: {
        ...slo.alerting.labels,
        severity: severity === 'page' ? 'critical' : 'warning',
        ...conf.labels,
        slo_severity: severity,
      },
      annotations: {
        summary: `${file.service}/${slo.name}: the error budget burns too fast (${severity})`,
        description: `{{ $value | humanizePercentage }} of events are errors; the ${slo.objective} % objective over ${file.window} allows ${tidy(budget * 100)} %.`,
        ...slo.alerting.annotations,
      },
    });
  }
  return out;
}

function sloGroups(file: SloFile, slo: Slo): SloRuleGroup[] {
  const periodMs = parseDuration(file.window);
  const budget = tidy(1 - slo.objective / 100);
  const labels = { ...file.labels, ...slo.labels, slo_service: file.service, slo_name: slo.name };
  const sel = `{slo_service="${file.service}", slo_name="${slo.name}"}`;
  const ratios: SloRule[] = sliWindows().map((ms) => ({
    record: errorRatioName(ms),
    expr: errorRatioExpr(slo, ms),
    labels,
  }));
  const shortest = errorRatioName(sliWindows()[0]!);
  const period = errorRatioName(periodMs);
  const budgetRules: SloRule[] = [
    { record: 'slo:objective:ratio', expr: `vector(${tidy(slo.objective / 100)})`, labels },
    { record: 'slo:error_budget:ratio', expr: `vector(${budget})`, labels },
    // the period's ratio as the mean of the shortest window's, as sloth does: a 30-day rate() would read a month
    // of raw samples at every evaluation
    { record: period, expr: `avg_over_time(${shortest}${sel}[${file.window}])`, labels },
    { record: 'slo:error_budget_remaining:ratio', expr: `1 - ${period}${sel} / ${budget}`, labels },
    { record: 'slo:current_burn_rate:ratio', expr: `${shortest}${sel} / ${budget}`, labels },
  ];
  const base = `slo-${file.service}-${slo.name}`;
  return [
    {
      name: base,
      interval: file.interval,
      rules: [...ratios, ...alertRules(file, slo, sel, budget, periodMs)],
    },
    { name: `${base}-budget`, interval: file.interval, rules: budgetRules },
  ];
}

/**
 * The rule groups of every SLO in `input` (an SLO file as YAML text or object): per SLO, one group with the
 * error-ratio recordings and the page/ticket burn-rate alerts (in that order, so the alerts read this round's
 * recordings), and one with the budget figures.
 * @example const groups = sloRuleGroups(readFileSync('slo.yaml', 'utf8'));
 */
export function sloRuleGroups(input: string | SloFileInput, source?: string): SloRuleGroup[] {
  const file = parseSloFile(input, source);
  return file.slos.flatMap((slo) => sloGroups(file, slo));
}

/**
 * The generated rules as a Prometheus rule file (`groups:` YAML), for `promtool check rules` and Prometheus.
 * @example writeFileSync('slo-rules.yml', sloRuleFile(readFileSync('slo.yaml', 'utf8')));
 */
export function sloRuleFile(input: string | SloFileInput, source?: string): string {
  return stringify({ groups: sloRuleGroups(input, source) }, { lineWidth: 0 });
}
