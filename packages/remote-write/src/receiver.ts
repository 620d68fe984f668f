import { defineSource, type ListeningSource, pushListener } from '@argus/core';
import type { z } from 'zod';
import { createRemoteWriteHandler } from './receive-handler.js';
import {
  handlerOptions,
  type ParsedReceiverOptions,
  type PushReceiverOptions,
  receiverOptionsSchema,
} from './receiver-options.js';

/**
 * Options of {@link remoteWriteReceiver}: the push receivers' options ({@link PushReceiverOptions}), each documented
 * with this receiver's default.
 */
export interface RemoteWriteReceiverOptions extends PushReceiverOptions {
  /** Plugin name, unique in the pipeline. @default 'remote-write-receiver' */
  name?: PushReceiverOptions['name'];
  /** Address to listen on. @default { host: '127.0.0.1', port: 9201 } */
  listen?: PushReceiverOptions['listen'];
  /** Path Prometheus's `remote_write.url` points at. @default '/api/v1/write' */
  path?: PushReceiverOptions['path'];
  /** Largest accepted request body (compressed), bytes. @default 10485760 */
  maxBodyBytes?: PushReceiverOptions['maxBodyBytes'];
  /** Largest uncompressed `WriteRequest`, bytes. @default 67108864 */
  maxDecodedBytes?: PushReceiverOptions['maxDecodedBytes'];
  /** Require `Authorization: Bearer <token>` (Prometheus: `remote_write.authorization.credentials`). */
  token?: PushReceiverOptions['token'];
}

/** The receiver, with the address it listens on once started. */
export type RemoteWriteReceiver = ListeningSource;

type Parsed = ParsedReceiverOptions;

/** Schema of {@link RemoteWriteReceiverOptions}. */
export const remoteWriteReceiverOptions: z.ZodType<Parsed, RemoteWriteReceiverOptions> =
  receiverOptionsSchema({
    name: 'remote-write-receiver',
    port: 9201,
    path: '/api/v1/write',
    sender: 'remote_write',
    decoded: 'uncompressed request',
  });

function create(o: Parsed): Omit<RemoteWriteReceiver, 'kind' | 'apiVersion'> {
  return pushListener({
    ...o,
    protocol: 'remote_write',
    handler: (ctx, emit) => createRemoteWriteHandler(handlerOptions(o, ctx, emit)),
  });
}

/**
 * Receives Prometheus remote-write 1.0 (Prometheus agents, Grafana Agent, vmagent…) on its own small HTTP listener:
 * each request becomes one metric batch; staleness markers become stale samples; native histograms are skipped.
 * To mount the receiver on a server you already run, use {@link createRemoteWriteHandler} instead.
 * @example
 * remoteWriteReceiver({ listen: { port: 9201 } }) // prometheus.yml: remote_write: [{ url: http://argus:9201/api/v1/write }]
 */
export function remoteWriteReceiver(options: RemoteWriteReceiverOptions = {}): RemoteWriteReceiver {
  return defineSource({ name: 'remote-write-receiver', options: remoteWriteReceiverOptions, create })(
    options,
  ) as RemoteWriteReceiver;
}
