import { describe, expect, it } from 'vitest';
import {
  type BacktestTransition,
  backtestSelector,
  firingSpans,
  type JobView,
  jobBody,
  progressShare,
  progressText,
  timelineLanes,
  transitionsCsv,
  transitionsFileName,
} from '../src/backtest.js';

const t = (
  at: number,
  fingerprint: string,
  state: BacktestTransition['alert']['state'],
): BacktestTransition => ({
  at,
  alert: { labels: { alertname: 'expr', host: fingerprint }, state, fingerprint },
});

describe('firingSpans', () => {
  it('pairs each firing with the next change away from it; one still firing ends at the range end', () => {
    const spans = firingSpans(
      [
        t(10, 'a', 'pending'),
        t(20, 'a', 'firing'),
        t(25, 'b', 'firing'),
        t(40, 'a', 'resolved'),
        t(50, 'a', 'pending'),
        t(60, 'a', 'firing'),
        t(70, 'a', 'inactive'),
      ],
      100,
    );
    expect(spans.map((s) => [s.fingerprint, s.start, s.end, s.open])).toEqual([
      ['a', 20, 40, false],
      ['b', 25, 100, true],
      ['a', 60, 70, false],
    ]);
  });

  it('ignores pending that never fired and a repeated firing state', () => {
    expect(firingSpans([t(1, 'a', 'pending'), t(2, 'a', 'inactive')], 10)).toEqual([]);
    const spans = firingSpans([t(1, 'a', 'firing'), t(2, 'a', 'firing'), t(3, 'a', 'resolved')], 10);
    expect(spans.map((s) => [s.start, s.end])).toEqual([[1, 3]]);
  });

  it('groups spans into one lane per alert, in order of first firing', () => {
    const spans = firingSpans(
      [t(1, 'b', 'firing'), t(2, 'a', 'firing'), t(3, 'b', 'resolved'), t(4, 'b', 'firing')],
      10,
    );
    const lanes = timelineLanes(spans);
    expect(lanes.map((l) => [l.labels.host, l.spans.map((s) => s.start)])).toEqual([
      ['b', [1, 4]],
      ['a', [2]],
    ]);
  });
});

describe('job progress', () => {
  const job = (o: Partial<JobView>): JobView => ({
    id: 'j',
    type: 'backtest',
    state: 'running',
    phase: 'evaluating',
    progress: { done: 0, total: 0 },
    from: 0,
    to: 1,
    samples: 0,
    createdBy: 'ops',
    createdAt: 0,
    ...o,
  });
  it('says what the job is doing and how far it is', () => {
    expect(progressText(job({ phase: 'copying', samples: 120 }))).toBe(
      'copying history (120 samples so far)',
    );
    expect(progressText(job({ progress: { done: 3, total: 12 } }))).toBe('evaluating: 3 of 12');
    expect(progressShare(job({ progress: { done: 3, total: 12 } }))).toBe(0.25);
    expect(progressShare(job({ phase: 'copying' }))).toBeUndefined();
    expect(progressText(job({ state: 'failed', error: 'boom' }))).toBe('failed: boom');
    expect(progressText(job({ state: 'cancelled' }))).toBe('cancelled');
    expect(progressText(job({ state: 'succeeded', progress: { done: 12, total: 12 } }))).toBe(
      'done: 12 evaluations',
    );
    expect(progressShare(job({ state: 'cancelled' }))).toBe(1);
  });
});

describe('jobBody', () => {
  it('sends an expression with its interval, or a rule file without one; a blank selector is left out', () => {
    expect(jobBody({ kind: 'expr', text: 'up == 0', from: 1, to: 2, intervalS: 15, match: ' ' })).toEqual({
      type: 'backtest',
      expr: 'up == 0',
      from: 1,
      to: 2,
      intervalMs: 15_000,
    });
    expect(
      jobBody({ kind: 'rules', text: 'groups: []', from: 1, to: 2, intervalS: 15, match: '{job="a"}' }),
    ).toEqual({ type: 'backtest', rules: 'groups: []', from: 1, to: 2, match: '{job="a"}' });
  });
});

describe('transitionsCsv', () => {
  it('writes one row per state change with UTC time, the alert and its labels quoted', () => {
    const csv = transitionsCsv({
      evaluations: 3,
      ruleErrors: [],
      counts: { pending: 0, firing: 1, resolved: 1, inactive: 0 },
      transitions: [
        t(Date.UTC(2026, 11, 7, 9), 'a', 'firing'),
        t(Date.UTC(2026, 11, 7, 10), 'a', 'resolved'),
      ],
    });
    expect(csv.split('\r\n')).toEqual([
      'time_utc,timestamp_ms,alertname,labels,state,fingerprint',
      `2026-12-07T09:00:00.000Z,${Date.UTC(2026, 11, 7, 9)},expr,"{alertname=""expr"", host=""a""}",firing,a`,
      `2026-12-07T10:00:00.000Z,${Date.UTC(2026, 11, 7, 10)},expr,"{alertname=""expr"", host=""a""}",resolved,a`,
      '',
    ]);
    expect(transitionsFileName({ from: Date.UTC(2026, 11, 7, 9), to: Date.UTC(2026, 11, 7, 10, 30) })).toBe(
      'argus-backtest-20261207T0900Z-20261207T1030Z.csv',
    );
  });
});

describe('backtestSelector', () => {
  const span = (labels: Record<string, string>) => ({
    fingerprint: '',
    labels,
    start: 0,
    end: 1,
    open: false,
  });
  const db1 = span({ alertname: 'expr', instance: 'db-1', job: 'node' });
  const db2 = span({ alertname: 'expr', instance: 'db-2', job: 'node' });

  it('draws the series the job was told to read, when it was told', () => {
    expect(backtestSelector({ expr: 'x > 1', match: ' {job="node"} ' }, [db1])).toBe('{job="node"}');
  });

  it('else the expression’s metric with the labels every firing alert shares, less the rule’s', () => {
    expect(backtestSelector({ expr: 'disk_used_ratio > 0.5' }, [db1])).toBe(
      'disk_used_ratio{instance="db-1", job="node"}',
    );
    expect(backtestSelector({ expr: 'disk_used_ratio{job="node"} > 0.5', match: '' }, [db1, db2])).toBe(
      'disk_used_ratio{job="node"}',
    );
    // no metric name to take from a function call or an aggregation
    expect(backtestSelector({ expr: 'rate(x[5m]) > 1' }, [db1])).toBe('{instance="db-1", job="node"}');
    expect(backtestSelector({ expr: 'sum by (job) (x) > 1' }, [db1])).toBe('{instance="db-1", job="node"}');
    expect(backtestSelector({ expr: 'up' }, [])).toBe('up');
  });

  it('with the parser’s selector: its metric and matchers (inside functions too), plus the shared labels', () => {
    const errors = { name: 'http_errors_total', matchers: [{ name: 'code', op: '=~', value: '5..' }] };
    expect(
      backtestSelector({ expr: 'rate(http_errors_total{code=~"5.."}[5m]) > 1', selector: errors }, [db1]),
    ).toBe('http_errors_total{code=~"5..", instance="db-1", job="node"}');
    // a label the selector matches is not repeated from the alerts
    const disk = { name: 'disk_used_ratio', matchers: [{ name: 'job', op: '=', value: 'node' }] };
    expect(
      backtestSelector({ expr: 'sum by (job) (disk_used_ratio{job="node"}) > 0.5', selector: disk }, [
        db1,
        db2,
      ]),
    ).toBe('disk_used_ratio{job="node"}');
    expect(backtestSelector({ expr: 'max(x)', selector: { name: 'x', matchers: [] } }, [])).toBe('x');
    // a selector given outright still wins
    expect(
      backtestSelector({ expr: 'rate(x[5m])', match: 'y', selector: { name: 'x', matchers: [] } }, []),
    ).toBe('y');
  });

  it('is undefined when nothing in particular is known (a job from the list that did not fire)', () => {
    expect(backtestSelector(undefined, [])).toBeUndefined();
    expect(backtestSelector({ expr: 'rate(x[5m]) > 1' }, [span({ alertname: 'expr' })])).toBeUndefined();
  });
});
