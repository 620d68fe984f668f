import { describe, expect, it } from 'vitest';
import { describeSeries, formatAlertText, formatDuration, formatMetricValue } from '../src/index.js';

const t = (hms: string): number => new Date(`2026-01-05T${hms}`).getTime();

describe('formatAlertText', () => {
  it('FIRING: time, series in words, value with unit, band, duration, detector and reason, hint', () => {
    const line = formatAlertText({
      state: 'firing',
      labels: { alertname: 'HighLatency', service: 'checkout', quantile: '0.99', severity: 'warning' },
      annotations: {
        metric: 'http_request_duration_seconds',
        expected: '0.2',
        band: '0.035',
        detector: 'ensemble',
        summary: 'robustZ fired',
        firedAt: String(t('10:00:03')),
      },
      startsAt: t('10:00:01'),
      value: 1.79,
      origin: 'score-threshold',
    });
    expect(line).toBe(
      '10:00:03 FIRING HighLatency (warning): p99 http request duration {service=checkout} is 1.79s, expected 200ms ' +
        '(165ms to 235ms), for 2 s (since 10:00:01) — ensemble: robustZ fired. ' +
        'Hint: look at what changed around 10:00:03 (deploys, traffic, dependencies)',
    );
  });

  it('a threshold rule: its limit as the band, a runbook link before any hint, and the prefix', () => {
    const line = formatAlertText(
      {
        status: 'firing',
        labels: { alertname: 'HeapNearLimit' },
        annotations: {
          metric: 'nodejs_heap_size_used_bytes',
          value: String(1.8 * 2 ** 30),
          upper: String(1.7 * 2 ** 30),
          summary: 'heap used is near the V8 limit',
          runbook_url: 'https://runbooks.example/heap',
          hint: 'not shown',
        },
        startsAt: t('10:00:00'),
      },
      { now: t('10:05:00'), prefix: '[argus]' },
    );
    expect(line).toBe(
      '[argus] 10:05:00 FIRING HeapNearLimit: nodejs heap size used is 1.8GiB, expected at most 1.7GiB, for 5 min ' +
        '(since 10:00:00) — heap used is near the V8 limit. Runbook: https://runbooks.example/heap',
    );
  });

  it('RESOLVED: how long it lasted and the peak, in the unit of the metric', () => {
    const line = formatAlertText({
      state: 'resolved',
      labels: {
        alertname: 'AnomalyDetected',
        series: 'argus:http_request_duration_seconds:mean',
        route: '/api',
      },
      annotations: { peak: '0.5013' },
      startsAt: t('10:00:00'),
      endsAt: t('10:01:05'),
    });
    expect(line).toBe(
      '10:01:05 RESOLVED AnomalyDetected: mean http request duration {route=/api} back to normal after 1 min 5 s, ' +
        'peak 501ms (since 10:00:00)',
    );
  });

  it('paints the state word only', () => {
    const line = formatAlertText(
      { state: 'resolved', labels: { alertname: 'A' }, annotations: {}, startsAt: 0, endsAt: 1000 },
      { paint: (s, w) => `<${s}:${w}>` },
    );
    expect(line).toMatch(/ <resolved:RESOLVED> A: value back to normal after 1 s/);
  });
});

describe('units and words', () => {
  it.each([
    ['http_request_duration_seconds', 0.00502, '5.02ms'],
    ['argus:http_request_duration_seconds:mean', 2.5, '2.5s'],
    ['nodejs_heap_size_used_bytes', 52_428_800, '50MiB'],
    ['argus:http_error_ratio', 0.0125, '1.25%'],
    ['cpu_percent', 37.25, '37.3%'],
    ['queue_depth', 1234.4, '1234'],
    ['queue_depth', 0.0000123, '1.23e-5'],
  ])('formatMetricValue(%s, %d) = %s', (metric, v, text) => {
    expect(formatMetricValue(metric, v)).toBe(text);
  });

  it('formatDuration reads like a person would say it', () => {
    expect([850, 12_000, 250_000, 7_500_000].map(formatDuration)).toEqual([
      '850 ms',
      '12 s',
      '4 min 10 s',
      '2 h 5 min',
    ]);
  });

  it('describeSeries drops routing labels and the unit, keeps the aggregation and the quantile', () => {
    expect(
      describeSeries('argus:http_request_duration_seconds:mean', {
        route: '/',
        alertname: 'A',
        severity: 'x',
      }),
    ).toBe('mean http request duration {route=/}');
    expect(describeSeries('', {})).toBe('value');
  });
});
