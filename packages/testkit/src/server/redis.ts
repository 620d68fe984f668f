import { connect } from 'node:net';
import { type RunningServer, startServer } from './server.js';

/** Options of {@link startRedis}. */
export interface RedisServerOptions {
  /** Keep an append-only file fsynced on every write, so a restart loses nothing. @default true */
  appendonly?: boolean;
  /** Listen here instead of a free port: give the old server's port to restart it where clients expect it. */
  port?: number;
  /** Data directory to use and keep (the old server's, to restart it over its data). @default a fresh one */
  dataDir?: string;
  extraArgs?: readonly string[];
  /** @default 15000 */
  timeoutMs?: number;
}

// Redis speaks RESP, not HTTP: ready once `PING` is answered `+PONG`
function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let got = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.on('data', (d) => {
      got += d.toString('latin1');
      if (got.includes('\r\n')) done(got.startsWith('+PONG'));
    });
    socket.once('connect', () => socket.write('PING\r\n'));
  });
}

/**
 * Starts Debian's `redis-server` on 127.0.0.1 (a free port unless given), no RDB snapshots, an append-only file
 * with `appendfsync always` by default. Stop it and start it again with the same `port` and `dataDir` to test
 * what survives a Redis restart.
 * @example
 * const redis = await startRedis();
 * const store = redisStateStore({ url: `redis://127.0.0.1:${redis.port}` });
 */
export function startRedis(options: RedisServerOptions = {}): Promise<RunningServer> {
  const aof = options.appendonly ?? true;
  return startServer({
    command: 'redis-server',
    debianPackage: 'redis-server',
    args: ({ port, dataDir }) => [
      '--bind',
      '127.0.0.1',
      '--port',
      String(port),
      '--dir',
      dataDir,
      '--save',
      '',
      '--appendonly',
      aof ? 'yes' : 'no',
      '--appendfsync',
      'always',
      '--daemonize',
      'no',
      ...(options.extraArgs ?? []),
    ],
    readyCheck: ({ port }) => pong(port),
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
}
