import { describe, expect, it } from 'vitest';
import {
  alertWindow,
  firingIntervals,
  type RulesAnswer,
  ruleLabelNames,
  rulesFor,
} from '../src/alert-series.js';
import { seriesSelector } from '../src/format.js';

const h = (seq: number, at: number, event: string) => ({ seq, at, event });

describe('firingIntervals', () => {
  it('pairs firing with the next resolved, in sequence order whatever order the server sent', () => {
    const history = [h(5, 900, 'firing'), h(4, 700, 'resolved'), h(3, 500, 'acked'), h(1, 100, 'firing')];
    expect(firingIntervals(history, { startsAt: 900 }, 2000)).toEqual([
      { from: 100, to: 700 },
      { from: 900, to: 2000 },
    ]);
  });

  it('a span still open ends at endsAt; a repeated firing does not open a second span', () => {
    const history = [h(1, 100, 'firing'), h(2, 200, 'notified'), h(3, 300, 'firing')];
    expect(firingIntervals(history, { startsAt: 100, endsAt: 400 }, 2000)).toEqual([{ from: 100, to: 400 }]);
  });

  it("the last span starts at the alert's own startsAt when the source saw it earlier", () => {
    const history = [h(1, 100, 'firing'), h(2, 300, 'resolved'), h(3, 1000, 'firing')];
    expect(firingIntervals(history, { startsAt: 600 }, 2000)).toEqual([
      { from: 100, to: 300 },
      { from: 600, to: 2000 },
    ]);
    // but never back over the span before it
    expect(firingIntervals(history, { startsAt: 200 }, 2000)[1]).toEqual({ from: 1000, to: 2000 });
  });

  it('without a firing in the kept history: the alert’s own start to its end or now', () => {
    expect(firingIntervals([h(1, 50, 'acked')], { startsAt: 40 }, 90)).toEqual([{ from: 40, to: 90 }]);
  });
});

describe('alertWindow', () => {
  it('leaves at least 15 minutes before the first span and ends by now', () => {
    const now = 10_000_000;
    const w = alertWindow([{ from: now - 60_000, to: now }], now);
    expect(w).toEqual({ from: now - 60_000 - 15 * 60_000, to: now });
  });

  it('a resolved alert: a quarter of the span before, some room after but not past now', () => {
    const w = alertWindow([{ from: 0, to: 8 * 3_600_000 }], 8 * 3_600_000 + 60_000);
    expect(w).toEqual({ from: -2 * 3_600_000, to: 8 * 3_600_000 + 60_000 });
  });
});

describe('rulesFor', () => {
  const answer: RulesAnswer = {
    status: 'success',
    data: {
      groups: [
        {
          name: 'host',
          file: 'rules.yml',
          rules: [
            { type: 'alerting', name: 'CpuHot', query: 'cpu_usage > 0.8', labels: { severity: 'page' } },
            { type: 'alerting', name: 'CpuHot', query: 'cpu_usage > 0.6', labels: { severity: 'info' } },
            {
              type: 'alerting',
              name: 'CpuHot',
              query: 'cpu_usage > 0.7',
              labels: { team: '{{ $labels.owner }}' },
            },
            { type: 'recording', name: 'CpuHot', query: 'avg(cpu_usage)' },
            { type: 'alerting', name: 'DiskFull', query: 'disk > 0.9' },
          ],
        },
      ],
    },
  };

  it('finds the rules named as the alert whose own labels the alert carries', () => {
    const found = rulesFor(answer, { alertname: 'CpuHot', severity: 'info', host: 'db-1', team: 'x' });
    expect(found.map((r) => r.query)).toEqual(['cpu_usage > 0.6', 'cpu_usage > 0.7']);
    expect(found[0]).toMatchObject({ group: 'host', file: 'rules.yml' });
    expect(rulesFor(answer, { alertname: 'Other' })).toEqual([]);
  });

  it('the series selector leaves out the labels the rules add', () => {
    const labels = { alertname: 'CpuHot', severity: 'info', host: 'db-1', team: 'x' };
    const found = rulesFor(answer, labels);
    expect(ruleLabelNames(found)).toEqual(['severity', 'team']);
    expect(seriesSelector(labels, ruleLabelNames(found))).toBe('{host="db-1"}');
  });
});
