import { defineSource, type ListeningSource, pushListener } from '@argus/core';
import type { z } from 'zod';
import { createOtlpHandler } from './otlp-handler.js';
import {
  handlerOptions,
  type ParsedReceiverOptions,
  type PushReceiverOptions,
  receiverOptionsSchema,
} from './receiver-options.js';

/**
 * Options of {@link otlpReceiver}: the push receivers' options ({@link PushReceiverOptions}), each documented
 * with this receiver's default.
 */
export interface OtlpReceiverOptions extends PushReceiverOptions {
  /** Plugin name, unique in the pipeline. @default 'otlp-receiver' */
  name?: PushReceiverOptions['name'];
  /** Address to listen on (4318 is OTLP/HTTP's registered port). @default { host: '127.0.0.1', port: 4318 } */
  listen?: PushReceiverOptions['listen'];
  /** Path exporters post metrics to. @default '/v1/metrics' */
  path?: PushReceiverOptions['path'];
  /** Largest accepted request body (gzip or not), bytes. @default 10485760 */
  maxBodyBytes?: PushReceiverOptions['maxBodyBytes'];
  /** Largest body after gunzip, bytes. @default 67108864 */
  maxDecodedBytes?: PushReceiverOptions['maxDecodedBytes'];
  /** Require `Authorization: Bearer <token>` (exporters: `OTEL_EXPORTER_OTLP_METRICS_HEADERS`). */
  token?: PushReceiverOptions['token'];
}

/** The receiver, with the address it listens on once started. */
export type OtlpReceiver = ListeningSource;

type Parsed = ParsedReceiverOptions;

/** Schema of {@link OtlpReceiverOptions}. */
export const otlpReceiverOptions: z.ZodType<Parsed, OtlpReceiverOptions> = receiverOptionsSchema({
  name: 'otlp-receiver',
  port: 4318,
  path: '/v1/metrics',
  sender: 'an OTLP exporter',
  decoded: 'body after gunzip',
});

function create(o: Parsed): Omit<OtlpReceiver, 'kind' | 'apiVersion'> {
  return pushListener({
    ...o,
    protocol: 'OTLP/HTTP metrics',
    handler: (ctx, emit) =>
      createOtlpHandler({ ...handlerOptions(o, ctx, emit), now: () => ctx.clock.now() }),
  });
}

/**
 * Receives OpenTelemetry metrics over OTLP/HTTP (protobuf or JSON, gzip or not) on its own small HTTP listener,
 * so services instrumented with an OpenTelemetry SDK push straight into Argus: each export request becomes one
 * metric batch, named as OpenTelemetry's Prometheus-compatibility spec says (`http.server.duration` in `s` →
 * `http_server_duration_seconds_bucket{le=…}`, monotonic sums → `…_total`, `service.name` → `job`).
 * To mount the receiver on a server you already run, use {@link createOtlpHandler} instead.
 * @example
 * otlpReceiver({ listen: { port: 4318 } }) // exporter: OTEL_EXPORTER_OTLP_ENDPOINT=http://argus:4318
 */
export function otlpReceiver(options: OtlpReceiverOptions = {}): OtlpReceiver {
  return defineSource({ name: 'otlp-receiver', options: otlpReceiverOptions, create })(
    options,
  ) as OtlpReceiver;
}
