import { createServer, type Server } from 'node:http';
import { type Alert, fingerprint, type Labels } from '@argus/core';
import { describeWithBinary, type RunningServer, startAlertmanager } from '@argus/testkit';
import { afterAll, beforeAll } from 'vitest';
import { type AlertManager, createAlertManager, loadAlertmanagerConfig } from '../src/index.js';

/** One webhook body as captured, with the side (`am` or `argus`) taken from the path. */
export interface Captured {
  side: string;
  at: number;
  body: {
    receiver: string;
    status: string;
    groupKey: string;
    groupLabels: Labels;
    commonLabels: Labels;
    truncatedAlerts: number;
    version: string;
    alerts: { status: string; fingerprint: string; labels: Labels; endsAt: string }[];
  };
}

export const parityAlert = (labels: Labels, startsAt: number, endsAt?: number): Alert => ({
  labels,
  annotations: { summary: `${labels['alertname']} on ${labels['instance']}` },
  state: endsAt === undefined ? 'firing' : 'resolved',
  startsAt,
  ...(endsAt === undefined ? {} : { endsAt }),
  fingerprint: fingerprint(labels),
  origin: 'parity',
});

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/**
 * The real Alertmanager and Argus driven by the same alertmanager.yml (`config(hook, side)`), their webhooks
 * captured by one local server: `/am/…` for Alertmanager, `/argus/…` for Argus.
 */
export interface ParityRig {
  captured: Captured[];
  real: RunningServer;
  argus: AlertManager;
  /** Sets the time `at` is measured from. */
  mark(): number;
  post(path: string, body: unknown): Promise<Response>;
  /** Sends the same alerts to both sides. */
  send(alerts: Alert[]): Promise<void>;
  stop(): Promise<void>;
}

export async function startParityRig(config: (hook: string, side: string) => string): Promise<ParityRig> {
  const captured: Captured[] = [];
  let t0 = Date.now();
  const capture: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      captured.push({ side: req.url!.split('/')[1]!, at: Date.now() - t0, body: JSON.parse(body) });
      res.end();
    });
  });
  await new Promise<void>((r) => capture.listen(0, '127.0.0.1', r));
  const hook = `http://127.0.0.1:${(capture.address() as { port: number }).port}`;
  const real = await startAlertmanager({ config: config(hook, 'am') });
  const argus = createAlertManager({
    config: loadAlertmanagerConfig(config(hook, 'argus')),
    externalURL: real.url,
  });
  await argus.start();
  const post = async (path: string, body: unknown): Promise<Response> => {
    const res = await fetch(`${real.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`alertmanager ${path}: ${res.status} ${await res.text()}`);
    return res;
  };
  return {
    captured,
    real,
    argus,
    mark: () => (t0 = Date.now()),
    post,
    async send(alerts) {
      const iso = (t: number) => new Date(t).toISOString();
      const body = alerts.map((a) => ({
        labels: a.labels,
        annotations: a.annotations,
        startsAt: iso(a.startsAt),
        ...(a.endsAt ? { endsAt: iso(a.endsAt) } : {}),
      }));
      await post('/api/v2/alerts', body);
      argus.ingest(alerts);
    },
    async stop() {
      await argus.stop();
      await real.stop();
      capture.close();
    },
  };
}

/** A suite with a rig for `config`, run only where Alertmanager is installed (a failure in CI when it is not). */
export function describeParity(
  name: string,
  config: (hook: string, side: string) => string,
  fn: (rig: () => ParityRig) => void,
): void {
  describeWithBinary([{ bin: 'prometheus-alertmanager', pkg: 'prometheus-alertmanager' }], name, () => {
    let rig: ParityRig | undefined;
    beforeAll(async () => {
      rig = await startParityRig(config);
    }, 30_000);
    afterAll(async () => {
      await rig?.stop();
    });
    fn(() => rig!);
  });
}
