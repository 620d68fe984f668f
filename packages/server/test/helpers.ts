import { type AlertManager, createAlertManager } from '@argus/alerting';
import { type Alert, fingerprint, memoryStateStore, type StateStore, systemClock } from '@argus/core';
import type { FastifyInstance } from 'fastify';
import Fastify from 'fastify';
import type { Role } from '../src/auth/roles.js';
import { Tokens } from '../src/auth/tokens.js';
import { type ArgusServerOptions, argusApi, DEFAULT_BODY_LIMIT } from '../src/index.js';

/** Secrets the server must never show: checked against every response and log line. */
export const SECRETS = {
  webhook: 'https://hooks.example.test/services/T000/B000/s3cr3t-webhook-path',
  password: 'correct-horse-battery-staple-42',
};

export interface TestServer {
  app: FastifyInstance;
  am: AlertManager;
  state: StateStore;
  /** Bearer tokens by role. */
  tokens: Record<Role, string>;
  /** Every response body and log line seen, for the secret check. */
  seen: string[];
  close(): Promise<void>;
}

/** An alert manager with one receiver, and a server over it with one token per role. */
export async function testServer(extra: Partial<ArgusServerOptions> = {}): Promise<TestServer> {
  const seen: string[] = [];
  const log = {
    debug: (m: string) => seen.push(m),
    info: (m: string) => seen.push(m),
    warn: (m: string) => seen.push(m),
    error: (m: string) => seen.push(m),
  };
  const am = createAlertManager({
    config: { route: { receiver: 'ops', groupBy: ['alertname'] }, receivers: [{ name: 'ops' }] },
    durable: false,
    log,
  });
  await am.start();
  const state = extra.state ?? memoryStateStore();
  const tokens = {} as Record<Role, string>;
  const maker = new Tokens(state, systemClock);
  for (const role of ['viewer', 'operator', 'admin', 'sender'] as const)
    tokens[role] = (await maker.create(`${role}-bot`, role, 'test')).token;
  const app = Fastify({ bodyLimit: DEFAULT_BODY_LIMIT });
  app.addHook('onSend', async (_req, _reply, payload) => {
    if (typeof payload === 'string') seen.push(payload);
    return payload;
  });
  await app.register(argusApi, {
    alertManager: am,
    state,
    log,
    secrets: [SECRETS.webhook, SECRETS.password, ...Object.values(tokens)],
    config: { notify: { webhook: SECRETS.webhook }, intervalMs: 15000 },
    alertmanagerYaml: `route:\n  receiver: ops\nreceivers:\n  - name: ops\n    webhook_configs:\n      - url: ${SECRETS.webhook}\n`,
    receivers: ['ops'],
    ...extra,
  });
  await app.ready();
  return {
    app,
    am,
    state,
    tokens,
    seen,
    close: async () => {
      await app.close();
      await am.stop();
      // every server test ends here: no response body or log line may carry a known secret
      const secrets = [...Object.values(SECRETS), ...Object.values(tokens)];
      const leaks = seen.filter((line) => secrets.some((x) => line.includes(x)));
      if (leaks.length > 0) throw new Error(`secrets leaked in ${leaks.length} responses or log lines`);
    },
  };
}

export function firing(labels: Record<string, string>, annotations: Record<string, string> = {}): Alert {
  return {
    labels,
    annotations,
    state: 'firing',
    startsAt: Date.now(),
    fingerprint: fingerprint(labels),
    origin: 'test',
  };
}

export const auth = (token: string): { authorization: string } => ({ authorization: `Bearer ${token}` });
