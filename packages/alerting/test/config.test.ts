import { fakeClock } from '@argus/testkit';
import { describe, expect, it } from 'vitest';
import { compileTemplate, createAlertManager, loadAlertmanagerConfig, parseDuration } from '../src/index.js';
import { compileTimeRange } from '../src/manager/time-intervals.js';
import { firing, recorder } from './am-helpers.js';

describe('time intervals', () => {
  it('matches times, weekdays, negative days of month, months and years in a location', () => {
    const berlinOffice = compileTimeRange({
      weekdays: ['monday:friday'],
      times: [{ startTime: '09:00', endTime: '17:00' }],
      location: 'Europe/Berlin',
    });
    // 2026-11-27 is a Friday; 08:30 UTC is 09:30 in Berlin (UTC+1 in November)
    expect(berlinOffice(Date.UTC(2026, 10, 27, 8, 30))).toBe(true);
    expect(berlinOffice(Date.UTC(2026, 10, 27, 7, 30))).toBe(false);
    expect(berlinOffice(Date.UTC(2026, 10, 28, 10, 0))).toBe(false);
    const lastDays = compileTimeRange({ daysOfMonth: ['-2:-1'], months: ['february'], years: ['2024:2026'] });
    expect(lastDays(Date.UTC(2024, 1, 28, 12))).toBe(true);
    expect(lastDays(Date.UTC(2024, 1, 27, 12))).toBe(false);
    expect(lastDays(Date.UTC(2027, 1, 28, 12))).toBe(false);
    expect(() => compileTimeRange({ location: 'Mars/Olympus' })).toThrow(/unknown location/);
    expect(() => compileTimeRange({ times: [{ startTime: '9am', endTime: '17:00' }] })).toThrow(/HH:MM/);
  });
});

describe('alertmanager.yml forms', () => {
  it('reads deprecated match/match_re, source_match, group_by ..., time intervals and durations', async () => {
    const text = `
route:
  receiver: hook
  group_by: ['...']
  group_wait: 1s
  routes:
    - match: { team: db }
      match_re: { severity: 'crit.*' }
      receiver: hook
      mute_time_intervals: [weekend]
inhibit_rules:
  - source_match: { severity: critical }
    target_match_re: { severity: 'warn.*' }
    equal: [instance]
mute_time_intervals:
  - name: weekend
    time_intervals: [{ weekdays: ['saturday', 'sunday'] }]
receivers:
  - name: hook
    webhook_configs: [{ url: 'http://127.0.0.1:1/x', send_resolved: false, max_alerts: 2 }]
`;
    const cfg = loadAlertmanagerConfig(text);
    expect(cfg.route.routes![0]).toMatchObject({
      match: { team: 'db' },
      matchRe: { severity: 'crit.*' },
      muteTimeIntervals: ['weekend'],
    });
    expect(cfg.inhibitRules).toEqual([
      {
        sourceMatchers: ['severity="critical"'],
        targetMatchers: ['severity=~"warn.*"'],
        equal: ['instance'],
      },
    ]);
    expect(cfg.timeIntervals).toEqual([
      { name: 'weekend', timeIntervals: [{ weekdays: ['saturday', 'sunday'] }] },
    ]);
    expect(cfg.receivers[0]!.notifiers![0]).toMatchObject({
      type: 'webhook',
      sendResolved: false,
      maxAlerts: 2,
    });
    const clock = fakeClock({ now: Date.UTC(2026, 10, 27, 12) });
    const am = createAlertManager({ config: cfg, clock });
    await am.start();
    am.ingest([firing({ alertname: 'X', team: 'db', severity: 'critical' }, clock.now())]);
    expect(am.groups()[0]!.key).toBe(
      '{}/{severity=~"crit.*",team="db"}:{alertname="X", severity="critical", team="db"}',
    );
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(() => parseDuration('5 minutes')).toThrow(/not a duration/);
  });

  it('cuts alerts to maxAlerts and counts the rest in truncatedAlerts; commons span all alerts', async () => {
    const clock = fakeClock({ now: 0 });
    const r = recorder({ maxAlerts: 2 });
    const am = createAlertManager({
      clock,
      config: {
        route: { receiver: 'r', groupBy: ['alertname'], groupWaitMs: 0 },
        receivers: [{ name: 'r', notifiers: [r] }],
      },
    });
    await am.start();
    am.ingest(['1', '2', '3'].map((i) => firing({ alertname: 'T', i, same: 'x' }, 0)));
    await clock.advanceAsync(10);
    expect(r.sent[0]!.alerts).toHaveLength(2);
    expect(r.sent[0]!.truncatedAlerts).toBe(1);
    expect(r.sent[0]!.commonLabels).toEqual({ alertname: 'T', same: 'x' });
  });

  it('sendResolved: false leaves resolved alerts out but still records the all-resolved state', async () => {
    const clock = fakeClock({ now: 0 });
    const r = recorder({ sendResolved: false });
    const am = createAlertManager({
      clock,
      config: {
        route: { receiver: 'r', groupWaitMs: 0, groupIntervalMs: 1000 },
        receivers: [{ name: 'r', notifiers: [r] }],
      },
    });
    await am.start();
    am.ingest([firing({ alertname: 'A' }, 0)]);
    await clock.advanceAsync(10);
    am.ingest([{ ...firing({ alertname: 'A' }, 0), state: 'resolved', endsAt: 500 }]);
    await clock.advanceAsync(2000);
    am.ingest([firing({ alertname: 'A' }, 2500)]);
    await clock.advanceAsync(1000);
    // the re-fire is "new" again because the all-resolved state was logged, though nothing was sent for it
    expect(r.sent.map((n) => n.reason)).toEqual(['first notification', 'new alerts added']);
  });
});

describe('templates', () => {
  it('renders Go templates as Prometheus does, and refuses one that does not parse', () => {
    const d = { labels: { instance: 'web-1', job: 'api' }, value: 0.4567 };
    expect(
      compileTemplate('{{ $value | humanizePercentage }} on {{ .Labels.instance | toUpper }}', 'x')(d),
    ).toBe('45.67% on WEB-1');
    expect(compileTemplate('{{ humanizeDuration 3725 }}', 'x')({ ...d })).toBe('1h 2m 5s');
    expect(compileTemplate('{{ printf "%.2f" $value }} {{ $labels.missing }}|', 'x')(d)).toBe('0.46 |');
    expect(compileTemplate('{{ humanize 0.00123 }}', 'x')(d)).toBe('1.23m');
    // Go's text/template: conditionals, loops and the rest of Prometheus's syntax now render
    expect(compileTemplate('{{ if gt $value 0.4 }}high{{ else }}low{{ end }}', 'x')(d)).toBe('high');
    expect(compileTemplate('{{ range $k, $v := $labels }}{{ $k }}={{ $v }} {{ end }}', 'x')(d)).toBe(
      'instance=web-1 job=api ',
    );
    expect(compileTemplate('{{ $value }}', 'x')({ ...d, value: 1e6 })).toBe('1e+06');
    // awesome-prometheus-alerts' descriptions print the whole label map
    expect(compileTemplate('VALUE = {{ $value }}\n  LABELS = {{ $labels }}', 'x')(d)).toBe(
      'VALUE = 0.4567\n  LABELS = map[instance:web-1 job:api]',
    );
    expect(() => compileTemplate('{{ if $value }}x', 'rule "A" annotation s')).toThrow(
      /rule "A" annotation s: .*unexpected EOF/,
    );
    // no query function: the annotation shows Prometheus's error text, as Prometheus does when a template fails
    expect(compileTemplate('{{ query "up" }}', 'x', { ruleName: 'A' })(d)).toMatch(
      /^<error expanding template: error executing template __alert_A: .*error calling query: /,
    );
  });
});
