// An Argus fingerprint must equal Alertmanager's for the same labels, so alerts dedupe across the two.
// Checked against a running Alertmanager: post alerts, read back the fingerprints it computed.

import { fingerprint } from '@argus/core';
import { describeWithBinary, startAlertmanager } from '@argus/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';

const cases: Record<string, string>[] = [
  { alertname: 'HighCPU', instance: 'node-1:9100', job: 'node', severity: 'critical' },
  { alertname: 'Üñíçødé', team: 'データ', path: '/var/lib/"quoted"\\back\nslash' },
  { alertname: 'Sep', a: 'xÿy', b: 'tab\there' },
  { alertname: 'Emoji', face: '🙂 non-BMP 𝄞', z: 'z' },
  { alertname: 'Order', z: 'last', a: 'first', m: 'middle', A: 'upper', _u: 'underscore' },
  { alertname: 'Long', v: 'x'.repeat(5000) },
];

describeWithBinary(
  [{ bin: 'prometheus-alertmanager', pkg: 'prometheus-alertmanager' }],
  'fingerprints vs a running Alertmanager',
  () => {
    let am: Awaited<ReturnType<typeof startAlertmanager>>;
    beforeAll(async () => {
      am = await startAlertmanager({ config: 'route: { receiver: none }\nreceivers: [{ name: none }]\n' });
    }, 30_000);
    afterAll(async () => am?.stop());

    it('computes the same fingerprint as Alertmanager for every label set', async () => {
      const body = cases.map((labels) => ({ labels, annotations: {} }));
      const post = await fetch(`${am.url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(post.status).toBe(200);
      const alerts = (await (await fetch(`${am.url}/api/v2/alerts`)).json()) as {
        labels: Record<string, string>;
        fingerprint: string;
      }[];
      expect(alerts).toHaveLength(cases.length);
      for (const a of alerts) expect(fingerprint(a.labels), JSON.stringify(a.labels)).toBe(a.fingerprint);
    });
  },
);
