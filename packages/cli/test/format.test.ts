import { type Alert, formatAlertText } from '@argus/core';
import { describe, expect, it } from 'vitest';
import { createPrinter } from '../src/format.js';

describe('the CLI printer', () => {
  it("prints alerts in Argus's shared alert text, the console notifier's and the embedded preset's", () => {
    let out = '';
    const printer = createPrinter({ stdout: (s) => void (out += s), stderr: () => {}, color: false }, false);
    const alert: Alert = {
      labels: { alertname: 'QueueBacklog', service: 'payments', severity: 'warning' },
      annotations: {
        metric: 'queue_depth',
        expected: '20',
        band: '6',
        detector: 'ensemble',
        summary: 'robustZ fired',
      },
      state: 'firing',
      startsAt: 1_000,
      fingerprint: 'f',
      origin: 'score-threshold',
      value: 81,
    };
    printer.alert(alert);
    expect(out).toBe(`${formatAlertText(alert)}\n`);
    expect(out).toMatch(
      /FIRING QueueBacklog \(warning\): queue depth \{service=payments\} is 81, expected 20 \(14 to 26\)/,
    );
  });
});
