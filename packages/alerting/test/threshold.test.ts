import { createSeriesRegistry } from '@argus/core';
import { testAlerter } from '@argus/testkit';
import { describe, expect, it } from 'vitest';
import { thresholdRule } from '../src/index.js';
import { driver, row } from './helpers.js';

describe('thresholdRule', () => {
  it('goes pending, fires after `for`, resolves; drops __name__ and adds alertname and rule labels', () => {
    const d = driver(
      thresholdRule({
        alert: 'HighCPU',
        selector: 'cpu{job="node"}',
        threshold: 90,
        forMs: 20_000,
        severity: 'page',
      }),
    );
    expect(d.feed([row('a', 0, 95), row('b', 0, 10)])).toMatchObject([{ state: 'pending', startsAt: 0 }]);
    expect(d.feed([row('a', 10_000, 96)])).toEqual([]);
    const [firing] = d.feed([row('a', 20_000, 97)]);
    expect(firing).toMatchObject({ state: 'firing', startsAt: 20_000, value: 97 });
    expect(firing!.labels).toEqual({ alertname: 'HighCPU', instance: 'a', job: 'node', severity: 'page' });
    expect(d.feed([row('a', 30_000, 50)])).toMatchObject([{ state: 'resolved', endsAt: 30_000 }]);
  });

  it('a pending alert that stops holding is dropped as inactive and never fires', () => {
    const d = driver(thresholdRule({ alert: 'X', selector: 'cpu', threshold: 90, forMs: 60_000 }));
    d.feed([row('a', 0, 95)]);
    d.feed([row('a', 30_000, 10)]);
    d.feed([row('a', 90_000, 10)]);
    expect(d.states()).toEqual(['a:pending', 'a:inactive']);
  });

  it('advances `for` on evaluations without data, and resolves a series that went stale', () => {
    const d = driver(
      thresholdRule({ alert: 'X', selector: 'cpu', threshold: 90, forMs: 60_000, staleAfterMs: 120_000 }),
    );
    d.feed([row('a', 0, 95)]);
    expect(d.tick(59_000)).toEqual([]);
    expect(d.tick(61_000)).toMatchObject([{ state: 'firing', startsAt: 61_000 }]);
    expect(d.tick(119_000)).toEqual([]);
    expect(d.tick(121_000)).toMatchObject([{ state: 'resolved', endsAt: 121_000 }]);
  });

  it('resolves at once on a stale marker', () => {
    const d = driver(thresholdRule({ alert: 'X', selector: 'cpu', threshold: 90 }));
    d.feed([row('a', 0, 95)]);
    d.feed([{ ...row('a', 1000, Number.NaN), stale: true }]);
    expect(d.states()).toEqual(['a:firing', 'a:resolved']);
  });

  it('hysteresis: once firing, holds until the value crosses resolveThreshold', () => {
    const d = driver(thresholdRule({ alert: 'X', selector: 'cpu', threshold: 90, resolveThreshold: 80 }));
    d.feed([row('a', 0, 85)]);
    d.feed([row('a', 1000, 91)]);
    d.feed([row('a', 2000, 85)]);
    d.feed([row('a', 3000, 81)]);
    expect(d.states()).toEqual(['a:firing']);
    d.feed([row('a', 4000, 79)]);
    d.feed([row('a', 5000, 85)]);
    expect(d.states()).toEqual(['a:firing', 'a:resolved']);
  });

  it('keepFiringFor keeps a firing alert for the given time after the condition clears', () => {
    const d = driver(
      thresholdRule({ alert: 'X', selector: 'cpu', op: '<', threshold: 1, keepFiringForMs: 5000 }),
    );
    d.feed([row('a', 0, 0)]);
    d.feed([row('a', 1000, 5)]);
    d.feed([row('a', 5000, 5)]);
    expect(d.states()).toEqual(['a:firing']);
    d.feed([row('a', 6000, 5)]);
    expect(d.states()).toEqual(['a:firing', 'a:resolved']);
  });

  it('templates labels and annotations from the series labels and value', () => {
    const d = driver(
      thresholdRule({
        alert: 'X',
        selector: 'cpu',
        threshold: 1,
        labels: { team: '{{ $labels.job }}-ops' },
        annotations: {
          summary:
            'CPU on {{ $labels.instance }} is {{ $value }} ({{ $value | printf "%.1f" }}, {{ humanize $value }})',
        },
      }),
    );
    const [a] = d.feed([row('web-1', 0, 1234.56)]);
    expect(a!.labels['team']).toBe('node-ops');
    expect(a!.annotations['summary']).toBe('CPU on web-1 is 1234.56 (1234.6, 1.235k)');
  });

  it('refuses bad options naming the field', () => {
    const bad = [
      [{ alert: 'X', selector: 'cpu{', threshold: 1 }, 'selector'],
      [{ alert: 'X', selector: 'cpu', threshold: 90, resolveThreshold: 95 }, 'resolveThreshold'],
      [{ alert: '', selector: 'cpu', threshold: 1 }, 'alert'], // any other label value is a valid alert name
      [{ alert: 'X', selector: 'cpu', threshold: 1, forMs: -1 }, 'forMs'],
    ] as const;
    for (const [opts, field] of bad) {
      expect(() => thresholdRule(opts as never)).toThrow(
        expect.objectContaining({ code: 'ERR_PLUGIN_OPTIONS', message: expect.stringContaining(field) }),
      );
    }
    expect(() =>
      thresholdRule({ alert: 'X', selector: 'cpu', threshold: 1, annotations: { s: '{{ range .Alerts }}' } }),
    ).toThrow(/rule "X" annotation s.*does not parse as a Go template/);
  });

  it('snapshot/restore keeps pending and firing alerts, keyed by labels, across registries', () => {
    const first = thresholdRule({ alert: 'X', selector: 'cpu', threshold: 90, forMs: 60_000 });
    const d1 = driver(first);
    d1.feed([row('a', 0, 95), row('b', 0, 99)]);
    d1.tick(70_000);
    d1.feed([row('c', 80_000, 95)]);
    const snap = JSON.parse(JSON.stringify(first.snapshot!({} as never)));
    const second = thresholdRule({ alert: 'X', selector: 'cpu', threshold: 90, forMs: 60_000 });
    const series = createSeriesRegistry();
    series.intern({ unrelated: 'shifts ids' });
    second.restore!(snap, { series } as never);
    const d2 = driver(second, series);
    // a and b keep firing (no new transition), c keeps its activeAt of 80 s and fires at 140 s
    expect(d2.feed([row('a', 90_000, 95), row('b', 90_000, 95), row('c', 90_000, 95)])).toEqual([]);
    expect(d2.feed([row('c', 140_000, 95)])).toMatchObject([{ state: 'firing', labels: { instance: 'c' } }]);
    expect(d2.feed([row('a', 150_000, 1)])).toMatchObject([{ state: 'resolved', labels: { instance: 'a' } }]);
  });
});

testAlerter(() => thresholdRule({ alert: 'Spike', selector: 'testkit_value', threshold: 50 }), {
  capabilities: { snapshot: true },
  badOptions: () => thresholdRule({ alert: 'X', selector: '', threshold: 1 }),
  optionsErrorPlugin: 'threshold-rule',
});

describe('thresholdRule templates', () => {
  it('with query, renders annotations after the query at the sample time, and emits in order once rendered', async () => {
    const asked: [string, number][] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const d = driver(
      thresholdRule({
        alert: 'X',
        selector: 'cpu',
        threshold: 90,
        annotations: {
          summary: '{{ $labels.instance }} {{ $value }} of {{ query "count(cpu)" | first | value }}',
        },
        query: async (q, time) => {
          asked.push([q, time.getTime()]);
          await gate;
          return [{ labels: {}, value: 3 }];
        },
      }),
    );
    expect(d.feed([row('a', 1000, 95)])).toEqual([]);
    expect(d.feed([row('a', 2000, 50)])).toEqual([]);
    await Promise.resolve();
    expect(d.tick(2500)).toEqual([]);
    release();
    await new Promise((r) => setImmediate(r));
    const out = d.tick(3000);
    expect(out.map((a) => [a.state, a.annotations])).toEqual([
      ['firing', { summary: 'a 95 of 3' }],
      ['resolved', { summary: 'a 95 of 3' }],
    ]);
    expect(asked).toEqual([
      ['count(cpu)', 1000],
      ['count(cpu)', 2000],
    ]);
  });

  it('a label templated with $value: a new value ends the alert and starts another (Prometheus alert identity)', () => {
    const d = driver(
      thresholdRule({ alert: 'X', selector: 'cpu', threshold: 90, forMs: 0, labels: { v: '{{ $value }}' } }),
    );
    d.feed([row('a', 0, 95)]);
    d.feed([row('a', 1000, 95)]);
    const out = d.feed([row('a', 2000, 97)]);
    expect(out.map((a) => [a.labels['v'], a.state])).toEqual([
      ['95', 'resolved'],
      ['97', 'firing'],
    ]);
    expect(d.log).toHaveLength(3);
  });
});
