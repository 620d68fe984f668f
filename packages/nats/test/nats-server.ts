// The nats-server an integration test file shares: started once before its tests (a real nats-server with
// JetStream on 127.0.0.1; with CI=true a missing binary fails instead of skipping) and stopped after them, with the
// one client connection the tests opened on it.
import { describeWithBinary, type RunningServer, startNats } from '@argus/testkit';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll } from 'vitest';

/** The shared server, from inside the block's tests. */
export interface SharedNats {
  /** `nats://127.0.0.1:<port>`; set before the first test runs (read it in tests and factories, not at collection). */
  readonly url: string;
  /** One client connection (JetStream management, checks), opened on first use and closed after the tests. */
  connection(): Promise<NatsConnection>;
}

/** A describe block whose tests share one nats-server. */
export function describeWithNats(name: string, body: (nats: SharedNats) => void): void {
  describeWithBinary([{ bin: 'nats-server', pkg: 'nats-server' }], name, () => {
    let server: RunningServer | undefined;
    let nc: NatsConnection | undefined;
    let url = '';
    const nats: SharedNats = {
      get url() {
        return url;
      },
      connection: async () => {
        nc ??= await connect({ servers: url });
        return nc;
      },
    };
    beforeAll(async () => {
      server = await startNats();
      url = `nats://127.0.0.1:${server.port}`;
    });
    afterAll(async () => {
      await nc?.close();
      await server?.stop();
    });
    body(nats);
  });
}
