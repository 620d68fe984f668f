import { type JetStreamManager, jetstreamManager, StorageType } from '@nats-io/jetstream';
import { connect, type NatsConnection, nanos } from '@nats-io/transport-node';

/** Where a sink publishes and a source consumes: the servers and the stream. */
export interface StreamTarget {
  servers: string[];
  stream: string;
  /** Subjects the stream captures when this plugin creates it; `undefined`: the stream must exist. */
  subjects?: string[] | undefined;
  duplicateWindowMs: number;
}

/**
 * Connects for the life of a plugin and reconnects forever: a nats-server restart is an outage, not the end. A
 * publish made while disconnected may still leave from the client's buffer after the reconnect although its write
 * already timed out; the retry carries the same message id, so the stream keeps one copy.
 */
export function openConnection(servers: string[], name: string): Promise<NatsConnection> {
  return connect({
    servers,
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
  });
}

/**
 * Creates the stream when the plugin owns it (file storage, so nats-server restarts lose nothing it
 * acknowledged; a duplicate window for the publishers' message ids), or checks that it exists.
 */
export async function ensureStream(nc: NatsConnection, t: StreamTarget): Promise<JetStreamManager> {
  const jsm = await jetstreamManager(nc);
  if (t.subjects === undefined) {
    await jsm.streams.info(t.stream);
    return jsm;
  }
  try {
    await jsm.streams.info(t.stream);
  } catch {
    await jsm.streams.add({
      name: t.stream,
      subjects: t.subjects,
      storage: StorageType.File,
      duplicate_window: nanos(t.duplicateWindowMs),
    });
  }
  return jsm;
}

/** An error's message, for the messages that name the stream and subject around it. */
export const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));
