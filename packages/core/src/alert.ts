import type { Labels } from './labels.js';

/** Alert states, as in Prometheus, plus `resolved` for an alert that stopped firing. */
export type AlertState = 'inactive' | 'pending' | 'firing' | 'resolved';

/** An alert: a label set in a state, with its annotations and timing. */
export interface Alert {
  readonly labels: Labels;
  readonly annotations: Readonly<Record<string, string>>;
  readonly state: AlertState;
  /** When the alert (pending or firing) started, ms since epoch. */
  readonly startsAt: number;
  /** When it resolved; absent while active. */
  readonly endsAt?: number;
  /** Alertmanager-compatible fingerprint of `labels`. */
  readonly fingerprint: string;
  /** What produced it: the alerter's name, or the external system for an {@link AlertEvent}. */
  readonly origin: string;
  /** Value that triggered the last evaluation, when there is one. */
  readonly value?: number;
  /** Ids of the findings that made an anomaly alert fire. */
  readonly findings?: readonly string[];
  readonly generatorURL?: string;
}
