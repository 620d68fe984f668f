import type { Alert, Alerter, SeriesRegistry } from '@argus/core';
import { expect } from 'vitest';
import { testStageContext } from '../context.js';
import { type ContractCheck, registerSuite, type SuiteOptions } from './check.js';
import { badOptionsCheck, deadlineCheck, healthCheck, lifecycleCheck, make, shapeCheck } from './common.js';
import { defaultSamples, type Harness, harness, runOnce, type SampleInput } from './harness.js';
import { parityCheck } from './parity.js';
import { expectValidAlert } from './validate.js';

/** What an alerter suite's `additionalTests` receive. */
export interface AlerterSuiteContext {
  readonly factory: () => Alerter;
  readonly harness: (a: Alerter) => Harness;
  readonly sampleInput: SampleInput;
}

/** Options of {@link testAlerter}. */
export interface AlerterSuiteOptions extends SuiteOptions<AlerterSuiteContext> {
  capabilities?: { snapshot?: boolean; healthcheck?: boolean };
  /** Input that should make the alerter change at least one alert's state. @default two series with one spike */
  sampleInput?: SampleInput;
  /** Require at least one alert on `sampleInput`. @default true */
  expectAlerts?: boolean;
}

// timer evaluations would add to the counts; the cases evaluate only on data
const wrap = (a: Alerter): Harness => harness(a, { evaluateIntervalMs: 3_600_000 });

async function run(a: Alerter, input: SampleInput): Promise<{ h: Harness; n: number; alerts: Alert[] }> {
  const h = wrap(a);
  const alerts: Alert[] = [];
  const n = await runOnce(h, input, (p) => p.on('alert', (al) => void alerts.push(al)));
  return { h, n, alerts };
}

function normalize(alerts: readonly Alert[] | undefined, _series: SeriesRegistry): unknown[] {
  return (alerts ?? []).map(({ findings: _f, ...rest }) => rest);
}

/** The alerter contract as a list of checks (see {@link testAlerter}). */
export function alerterChecks(factory: () => Alerter, options: AlerterSuiteOptions = {}): ContractCheck[] {
  const input = options.sampleInput ?? defaultSamples;
  const caps = options.capabilities ?? {};
  const wantAlerts = options.expectAlerts ?? true;
  const checks: ContractCheck[] = [
    shapeCheck('alerter', factory, caps),
    lifecycleCheck('alerter', factory, wrap),
    deadlineCheck('alerter', factory),
    countsCheck(factory, input),
    validCheck(factory, input, wantAlerts),
    emptyCheck(factory),
  ];
  if (options.badOptions) {
    checks.splice(1, 0, badOptionsCheck('alerter', factory, options.badOptions, options.optionsErrorPlugin));
  }
  if (caps.snapshot) {
    checks.push(
      parityCheck(
        factory,
        input,
        (a, b, ctx) => normalize(a.evaluate({ metrics: b }, ctx), ctx.series),
        wantAlerts,
      ),
    );
  }
  if (caps.healthcheck) checks.push(healthCheck('alerter', factory, wrap));
  return checks;
}

function countsCheck(factory: () => Alerter, input: SampleInput): ContractCheck {
  return {
    name: 'stats, alert events and sink counts agree exactly for a known input',
    async run() {
      const a = make('alerter', factory);
      const { h, n, alerts } = await run(a, input);
      expect(h.tally.errors.map((e) => e.message)).toEqual([]);
      const s = h.pipeline.stats().plugins[a.name]!;
      expect(s.received, `${a.name} received`).toBe(n);
      expect(s.sent, `${a.name} sent = alert changes`).toBe(alerts.length);
      expect(h.out.alerts().length, 'alerts at the sink').toBe(alerts.length);
    },
  };
}

function validCheck(factory: () => Alerter, input: SampleInput, wantAlerts: boolean): ContractCheck {
  return {
    name: 'emits valid alerts (labels, state, fingerprint, origin)',
    async run() {
      const a = make('alerter', factory);
      const { alerts } = await run(a, input);
      if (wantAlerts) expect(alerts.length, 'alert changes on the sample input').toBeGreaterThan(0);
      for (const al of alerts) expectValidAlert(al);
    },
  };
}

function emptyCheck(factory: () => Alerter): ContractCheck {
  return {
    name: 'evaluates an empty input (the timer tick) without throwing',
    async run() {
      const a = make('alerter', factory);
      const out = a.evaluate({}, testStageContext({ now: Date.now() })) ?? [];
      for (const al of out) expectValidAlert(al);
    },
  };
}

/**
 * Registers the alerter contract suite: shape, bad options, idempotent stop, deadlines, exact counts,
 * valid alerts, empty evaluations, and snapshot parity / healthcheck when declared.
 * @example
 * testAlerter(() => thresholdAlerter({ above: 50 }), { capabilities: { snapshot: true } });
 */
export function testAlerter(factory: () => Alerter, options: AlerterSuiteOptions = {}): void {
  const ctx: AlerterSuiteContext = {
    factory,
    harness: wrap,
    sampleInput: options.sampleInput ?? defaultSamples,
  };
  registerSuite('alerter', alerterChecks(factory, options), options, ctx);
}
