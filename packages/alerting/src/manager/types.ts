import type { Alert, Clock, Logger, PluginError, Sink, StateStore } from '@argus/core';
import type { AlertRecord } from './alert-table.js';
import type { AlertManagerConfig } from './config.js';
import type { DeadLetter, DeliveryOptions } from './delivery.js';
import type { AlertHistoryQuery, HistoryEntry } from './history.js';
import type { InvestigationOptions, InvestigationStats } from './investigation.js';
import type { Notification } from './model.js';
import type { Silence, SilenceInput } from './silences.js';

/** Flap detection settings. */
export interface FlapOptions {
  /** @default 600000 */
  windowMs?: number;
  /** State changes within the window that make an alert flapping. @default 6 */
  startChanges?: number;
  /** A flapping alert is stable again once it changed at most this often within the window. @default 3 */
  stopChanges?: number;
}

/** Options of {@link createAlertManager}. */
export interface AlertManagerOptions {
  config: AlertManagerConfig;
  /** @default the pipeline's clock when used as a sink, else the system clock */
  clock?: Clock;
  /** Where alerts, silences, acks, the notification log and the outbox live. @default the sink's state, else memory */
  state?: StateStore;
  /** Keep state in the store. `false`: in memory only (nothing survives a restart; fastest). @default true */
  durable?: boolean;
  /** Sent as `externalURL`. @default 'http://argus' */
  externalURL?: string;
  /** Flap detection (Nagios/Kapacitor style, with hysteresis); `false` turns it off. */
  flap?: FlapOptions | false;
  delivery?: DeliveryOptions;
  /** History entries kept. @default 10000 */
  historyLimit?: number;
  /**
   * Background investigations: when a group notifies new firing alerts, `investigate` runs on its own; its
   * annotations are attached to the alerts and sent once as a follow-up notification (reason
   * `investigation follow-up`) of the same group, recorded in the notification log and not counted as a repeat.
   * Nothing is sent when it has no answer or the alerts resolved first. @default none
   */
  investigation?: InvestigationOptions;
  /** Jitter source, for tests. @default Math.random */
  random?: () => number;
  log?: Logger;
  /**
   * Called with each error the manager catches instead of letting it reach the host: a listener that threw (the
   * error names the event and the listener). @default a warning through `log`
   */
  onError?: (err: PluginError) => void;
}

/** Options of {@link AlertManager.stop}. */
export interface AlertManagerStopOptions {
  /** How long to wait for pending state writes; past it `stop` resolves and logs what was left. @default 5000 */
  timeoutMs?: number;
  /** Aborting it ends the wait at once (e.g. the pipeline's stop deadline). */
  signal?: AbortSignal;
}

/** An alert as listed by {@link AlertManager.alerts}, with its muting status. */
export interface AlertView extends Readonly<AlertRecord> {
  readonly status: {
    state: 'active' | 'suppressed' | 'resolved';
    silencedBy: string[];
    inhibitedBy: string[];
  };
}

/** A silence as listed, with its state now. */
export interface SilenceView extends Silence {
  readonly state: 'active' | 'pending' | 'expired';
}

/** An aggregation group as listed. */
export interface GroupView {
  readonly key: string;
  readonly receiver: string;
  readonly labels: Record<string, string>;
  /** Fingerprints. */
  readonly alerts: string[];
}

/** Events of the alert manager. */
export interface AlertManagerEvents {
  notification: (n: Notification) => void;
  delivered: (n: Notification) => void;
  deadLetter: (d: DeadLetter) => void;
  history: (e: HistoryEntry) => void;
}

/** An embeddable alert manager: Alertmanager's semantics plus acks, flap detection, storm caps and history. */
export interface AlertManager {
  /** Loads durable state and starts timers and delivery. Idempotent. */
  start(env?: { clock?: Clock; state?: StateStore }): Promise<void>;
  /**
   * Stops timers and delivery (pending notifications stay in the outbox) and waits for state writes, at most until
   * `timeoutMs` or `signal`. Idempotent: concurrent and later calls get the same promise.
   */
  stop(options?: AlertManagerStopOptions): Promise<void>;
  /** Takes alert state changes (firing/resolved; pending and inactive are ignored). Call after `start`. */
  ingest(alerts: readonly Alert[]): void;
  /** Resolves once every state change so far is durable. */
  flushed(): Promise<void>;
  /** Creates (or, with `id`, updates) a silence; returns its id. Throws `ERR_INVALID_ARGUMENT` naming the bad field. */
  silence(s: SilenceInput): string;
  expireSilence(id: string): void;
  silences(): SilenceView[];
  /** Acknowledges a firing alert: it stops repeating until it changes. */
  ack(fingerprint: string, by: string, comment?: string): void;
  unack(fingerprint: string): void;
  alerts(): AlertView[];
  groups(): GroupView[];
  history(q?: AlertHistoryQuery): HistoryEntry[];
  deadLetters(): DeadLetter[];
  /** Counts of background investigations (all zero without the `investigation` option). */
  investigations(): InvestigationStats;
  /** Pending notifications per integration lane (`receiver/index`). */
  queued(): Record<string, number>;
  /** The manager as a pipeline sink (accepts alerts; a write returns once its state is durable). */
  sink(name?: string): Sink;
  /**
   * Adds a listener. Listeners run inside the manager's timers: one that throws is caught, counted in
   * `listenerErrors` and reported to `onError`; the other listeners and the manager go on.
   */
  on<E extends keyof AlertManagerEvents>(event: E, fn: AlertManagerEvents[E]): void;
  /** Removes a listener added with {@link AlertManager.on}. */
  off<E extends keyof AlertManagerEvents>(event: E, fn: AlertManagerEvents[E]): void;
  /** Listener calls that threw (and were caught) since the manager was made. */
  readonly listenerErrors: number;
}
