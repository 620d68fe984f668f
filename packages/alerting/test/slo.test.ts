import type { MemorySeries } from '@argus/promql';
import { describe, expect, it } from 'vitest';
import { type SloRule, sloRuleFile, sloRuleGroups } from '../src/index.js';
import { runGroups } from './slo/evaluate.js';

const M = 60_000;
const H = 60 * M;
const D = 24 * H;
const T0 = 1_700_000_000_000;

const file = {
  service: 'shop',
  interval: '1m',
  slos: [
    {
      name: 'api-availability',
      objective: 99.9,
      sli: {
        events: {
          errors: 'sum(rate(http_requests_total{job="api", code=~"5.."}[{{.window}}]))',
          total: 'sum(rate(http_requests_total{job="api"}[{{.window}}]))',
        },
      },
    },
    {
      name: 'batch-availability',
      objective: 99.9,
      sli: {
        events: {
          good: 'sum(rate(http_requests_total{job="batch", code!~"5.."}[{{.window}}]))',
          total: 'sum(rate(http_requests_total{job="batch"}[{{.window}}]))',
        },
      },
    },
  ],
};

const rulesOf = (input: Parameters<typeof sloRuleGroups>[0]): SloRule[] =>
  sloRuleGroups(input).flatMap((g) => g.rules);
const alerts = (rules: SloRule[]) =>
  rules.filter((r): r is Extract<SloRule, { alert: string }> => 'alert' in r);

describe('sloRuleGroups', () => {
  it('records the error ratio over the workbook windows and alerts at burn rates 14.4/6 (page) and 3/1 (ticket)', () => {
    const rules = sloRuleGroups(file)
      .filter((g) => g.name.startsWith('slo-shop-api-availability'))
      .flatMap((g) => g.rules);
    const records = rules.flatMap((r) => ('record' in r ? [r.record] : []));
    for (const w of ['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d'])
      expect(records).toContain(`slo:sli_error:ratio_rate${w}`);
    const [page, ticket] = alerts(rules);
    expect(page!.labels).toMatchObject({ severity: 'critical', slo_severity: 'page' });
    expect(page!.expr).toContain(
      'slo:sli_error:ratio_rate1h{slo_service="shop", slo_name="api-availability"} > (14.4 * 0.001)',
    );
    expect(page!.expr).toContain(
      'slo:sli_error:ratio_rate5m{slo_service="shop", slo_name="api-availability"} > (14.4 * 0.001)',
    );
    expect(page!.expr).toContain(
      'ratio_rate6h{slo_service="shop", slo_name="api-availability"} > (6 * 0.001)',
    );
    expect(page!.expr).toContain(
      'ratio_rate30m{slo_service="shop", slo_name="api-availability"} > (6 * 0.001)',
    );
    expect(ticket!.labels).toMatchObject({ severity: 'warning', slo_severity: 'ticket' });
    expect(ticket!.expr).toContain(
      'ratio_rate1d{slo_service="shop", slo_name="api-availability"} > (3 * 0.001)',
    );
    expect(ticket!.expr).toContain(
      'ratio_rate2h{slo_service="shop", slo_name="api-availability"} > (3 * 0.001)',
    );
    expect(ticket!.expr).toContain(
      'ratio_rate3d{slo_service="shop", slo_name="api-availability"} > (1 * 0.001)',
    );
    expect(ticket!.expr).toContain(
      'ratio_rate6h{slo_service="shop", slo_name="api-availability"} > (1 * 0.001)',
    );
  });

  it('scales the burn rates to another period (28 days: 2 % of the budget in 1 h is 13.44)', () => {
    const page = alerts(rulesOf({ ...file, window: '28d' }))[0]!;
    expect(page.expr).toContain('> (13.44 * 0.001)');
    expect(page.expr).toContain('> (5.6 * 0.001)');
  });

  it('builds a latency SLI from a classic histogram: good = the bucket at the threshold', () => {
    const rules = rulesOf({
      service: 'shop',
      slos: [
        {
          name: 'latency',
          objective: 99,
          sli: {
            latency: {
              metric: 'http_request_duration_seconds',
              thresholdSeconds: 0.3,
              matchers: 'job="api"',
              by: ['route'],
            },
          },
        },
      ],
    });
    const r5m = rules.find((r) => 'record' in r && r.record === 'slo:sli_error:ratio_rate5m')!;
    expect(r5m.expr).toContain(
      'sum by (route) (rate(http_request_duration_seconds_bucket{job="api", le="0.3"}[5m]))',
    );
    expect(r5m.expr).toContain('sum by (route) (rate(http_request_duration_seconds_count{job="api"}[5m]))');
  });

  it('refuses a file with a query missing {{.window}}, or with both good and errors, naming the field', () => {
    const bad = structuredClone(file);
    bad.slos[0]!.sli.events.total = 'sum(rate(http_requests_total[5m]))';
    expect(() => sloRuleGroups(bad)).toThrow(/slos\.0\.sli\.events\.total: must contain \{\{\.window\}\}/);
    const both = structuredClone(file) as unknown as { slos: { sli: { events: Record<string, string> } }[] };
    both.slos[1]!.sli.events['errors'] = 'x[{{.window}}]';
    expect(() => sloRuleGroups(both as never)).toThrow(/exactly one of `good` and `errors`/);
    expect(() => sloRuleGroups('service: a\nslos: []\n', 'slo.yaml')).toThrow(/^slo\.yaml: not an SLO file/);
  });

  it('exports YAML that reads back as the same groups', async () => {
    const { parse } = await import('yaml');
    expect(parse(sloRuleFile(file))).toEqual({ groups: JSON.parse(JSON.stringify(sloRuleGroups(file))) });
  });
});

/** Counters at one sample a minute: 10 requests/s, errors at `errorRatio(t)`. */
function traffic(job: string, from: number, to: number, errorRatio: (t: number) => number): MemorySeries[] {
  const ts: number[] = [];
  const ok: number[] = [];
  const bad: number[] = [];
  let okN = 0;
  let badN = 0;
  for (let t = from; t <= to; t += M) {
    const errors = 600 * errorRatio(t);
    badN += errors;
    okN += 600 - errors;
    ts.push(t);
    ok.push(okN);
    bad.push(badN);
  }
  return [
    { labels: { __name__: 'http_requests_total', job, code: '200' }, timestamps: ts, values: ok },
    { labels: { __name__: 'http_requests_total', job, code: '500' }, timestamps: ts, values: bad },
  ];
}

describe('generated rules evaluated on @argus/promql', () => {
  // api: 0.05 % errors, then 5 % (a 50× burn) for one hour; batch: 0.05 %, then 0.5 % (5×) from day 3 on
  const burnFrom = T0 + 3 * D + 6 * H;
  const burnTo = burnFrom + H;
  const data = [
    ...traffic('api', T0, T0 + 4 * D, (t) => (t > burnFrom && t <= burnTo ? 0.05 : 0.0005)),
    ...traffic('batch', T0, T0 + 4 * D, (t) => (t > T0 + 3 * D ? 0.005 : 0.0005)),
  ];

  it('pages during a fast burn only, and opens a ticket for a slow one', async () => {
    const { firing } = await runGroups(data, sloRuleGroups(file), T0 + 3 * D, T0 + 4 * D, 5 * M);
    const page = firing.get('ApiAvailabilityBudgetBurn/api-availability/page') ?? [];
    expect(page.length).toBeGreaterThan(0);
    expect(Math.min(...page)).toBeGreaterThan(burnFrom);
    // the 1h/5m pair needs ~17 min of a 50× burn to pass 14.4×; the 6h/30m pair ends 30 min after the burn
    expect(Math.min(...page)).toBeLessThanOrEqual(burnFrom + 20 * M);
    expect(Math.max(...page)).toBeLessThanOrEqual(burnTo + 35 * M);
    expect(firing.get('BatchAvailabilityBudgetBurn/batch-availability/page')).toBeUndefined();
    const ticket = firing.get('BatchAvailabilityBudgetBurn/batch-availability/ticket') ?? [];
    expect(ticket.length).toBeGreaterThan(0);
    // 5× over 3d passes 1× (with 6h > 1×) long before 1d passes 3×: ticket within hours, and it stays
    expect(Math.max(...ticket)).toBe(T0 + 4 * D);
  }, 300_000);
});
