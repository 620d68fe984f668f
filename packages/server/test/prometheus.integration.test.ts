// A real Prometheus 2.42 with Argus as its Alertmanager (authorization: a sender token) delivers its alerts.
import { describeWithBinary, type RunningServer, startPrometheus } from '@argus/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type TestServer, testServer } from './helpers.js';

let s: TestServer;
let prom: RunningServer | undefined;
let port: number;

beforeAll(async () => {
  s = await testServer();
  const url = await s.app.listen({ host: '127.0.0.1', port: 0 });
  port = Number(new URL(url).port);
});
afterAll(async () => {
  await prom?.stop();
  await s?.close();
});

const config = (token: string): string => `
global:
  evaluation_interval: 1s
rule_files: [rules.yml]
alerting:
  alertmanagers:
    - api_version: v2
      authorization:
        credentials: ${token}
      static_configs:
        - targets: ['127.0.0.1:${port}']
`;

const rules = `
groups:
  - name: argus-test
    rules:
      - alert: PrometheusSaysHello
        expr: vector(1)
        labels: { severity: info }
        annotations: { summary: 'from a real Prometheus' }
`;

describeWithBinary([{ bin: 'prometheus', pkg: 'prometheus' }], 'Prometheus 2.42 sending to Argus', () => {
  it('delivers its firing alert to the alert manager behind the API', async () => {
    // Prometheus evaluates its first rules a few seconds after start: wait for the alert manager's event, bounded
    // by the test timeout
    const seen = new Promise<boolean>((resolve) =>
      s.am.on('history', (e) => {
        if (e.event === 'firing' && e.labels?.alertname === 'PrometheusSaysHello') resolve(true);
      }),
    );
    // Prometheus's first send can come before its Alertmanager list is discovered and is then lost until the next
    // resend (1 min by default); a 1 s resend delay keeps the test short
    prom = await startPrometheus({
      config: config(s.tokens.sender),
      rules,
      extraArgs: ['--rules.alert.resend-delay=1s'],
    });
    expect(await seen).toBe(true);
    const a = s.am.alerts().find((x) => x.labels.alertname === 'PrometheusSaysHello')!;
    expect(a.labels).toEqual({ alertname: 'PrometheusSaysHello', severity: 'info' });
    expect(a.annotations).toEqual({ summary: 'from a real Prometheus' });
    expect(a.generatorURL).toContain(`http://127.0.0.1:${prom.port}/graph`);
    expect(a.status.state).toBe('active');
  }, 90_000);
});
