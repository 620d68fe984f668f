import type { AlertManager, HistoryEntry } from '@argus/alerting';
import type { Alert, Finding, Pipeline, SourceHealth } from '@argus/core';

/** Kinds of live events. */
export type EventKind = 'finding' | 'alert' | 'history' | 'health' | 'job';

interface Frame {
  readonly id: number;
  readonly text: string;
}

/** Where a client's events go: a node:http response, or anything with the same three members. */
export interface EventSink {
  write(chunk: string): boolean;
  once(event: 'drain', fn: () => void): unknown;
  destroy(): void;
}

/**
 * One SSE client with a bounded backlog: while its socket does not take more (`write` returned false) frames wait
 * in its own queue; past `backlog` frames the client is cut off (it resumes with `Last-Event-ID`). Publishing never
 * waits for a client, so a client that never reads costs at most its backlog and never slows the pipeline.
 */
class Client {
  private readonly queue: string[] = [];
  private blocked = false;
  closed = false;

  constructor(
    private readonly sink: EventSink,
    private readonly backlog: number,
    private readonly onDrop: (c: Client) => void,
  ) {}

  send(text: string): void {
    if (this.closed) return;
    if (this.blocked) {
      if (this.queue.length >= this.backlog) this.drop();
      else this.queue.push(text);
      return;
    }
    if (!this.sink.write(text)) {
      this.blocked = true;
      this.sink.once('drain', () => this.drain());
    }
  }

  /** Frames waiting for this client. */
  get queued(): number {
    return this.queue.length;
  }

  private drain(): void {
    this.blocked = false;
    while (this.queue.length > 0 && !this.closed) {
      if (!this.sink.write(this.queue.shift()!)) {
        this.blocked = true;
        this.sink.once('drain', () => this.drain());
        return;
      }
    }
  }

  private drop(): void {
    this.closed = true;
    this.queue.length = 0;
    this.sink.destroy();
    this.onDrop(this);
  }
}

/** Options of {@link EventHub}. */
export interface EventHubOptions {
  /** Frames kept for `Last-Event-ID` resume. @default 1000 */
  replay?: number;
  /** Frames one slow client may have waiting before it is cut off. @default 1000 */
  backlog?: number;
  /** Replaces known secrets in each string of an event (an error message may quote a URL or a password). */
  redact?: (text: string) => string;
}

/**
 * Live events for UIs: findings, alert state changes, alert history, source health and analysis jobs; numbered for
 * resume.
 */
export class EventHub {
  private readonly clients = new Set<Client>();
  private readonly ring: Frame[] = [];
  private seq = 0;
  private readonly replay: number;
  private readonly backlog: number;
  private readonly redact: ((text: string) => string) | undefined;
  /** Clients cut off for not reading. */
  dropped = 0;

  constructor(o: EventHubOptions = {}) {
    this.replay = o.replay ?? 1000;
    this.backlog = o.backlog ?? 1000;
    this.redact = o.redact;
  }

  publish(kind: EventKind, data: unknown): void {
    const id = ++this.seq;
    const redact = this.redact;
    const json = redact
      ? JSON.stringify(data, (_key, v: unknown) => (typeof v === 'string' ? redact(v) : v))
      : JSON.stringify(data);
    const frame = { id, text: `id: ${id}\nevent: ${kind}\ndata: ${json}\n\n` };
    this.ring.push(frame);
    if (this.ring.length > this.replay) this.ring.shift();
    for (const c of this.clients) c.send(frame.text);
  }

  /** Adds a client; replays the frames after `lastId` that are still kept. Returns the function that removes it. */
  subscribe(sink: EventSink, lastId?: number): () => void {
    const c = new Client(sink, this.backlog, (x) => {
      this.dropped++;
      this.clients.delete(x);
    });
    if (lastId !== undefined) for (const f of this.ring) if (f.id > lastId) c.send(f.text);
    this.clients.add(c);
    return () => {
      c.closed = true;
      this.clients.delete(c);
    };
  }

  get size(): number {
    return this.clients.size;
  }

  /** Subscribes to a pipeline and an alert manager; returns the function that unsubscribes. */
  attach(pipeline: Pipeline | undefined, am: AlertManager): () => void {
    const finding = (f: Finding): void => {
      let labels: Record<string, string> | undefined;
      try {
        labels = pipeline?.series.labels(f.series);
      } catch {
        labels = undefined;
      }
      this.publish('finding', { ...f, ...(labels ? { labels } : {}) });
    };
    const alert = (a: Alert): void => this.publish('alert', a);
    const health = (h: SourceHealth): void => this.publish('health', h);
    const history = (e: HistoryEntry): void => this.publish('history', e);
    pipeline?.on('finding', finding);
    pipeline?.on('alert', alert);
    pipeline?.on('health', health);
    am.on('history', history);
    return () => {
      pipeline?.off('finding', finding);
      pipeline?.off('alert', alert);
      pipeline?.off('health', health);
      am.off('history', history);
    };
  }
}
