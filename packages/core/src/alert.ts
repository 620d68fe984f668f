import type { AlertEvent } from './batch.js';
import { fingerprint, type Labels } from './labels.js';

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

/**
 * An external alert event as an Argus alert: firing or resolved (ending at `endsAt`, or when it started if the
 * event has no end), fingerprinted from its labels. The pipeline uses it when no alerter manages external events.
 */
export function eventToAlert(e: AlertEvent): Alert {
  const base = {
    labels: e.labels,
    annotations: e.annotations,
    startsAt: e.startsAt,
    fingerprint: fingerprint(e.labels),
    origin: e.origin,
    ...(e.generatorURL ? { generatorURL: e.generatorURL } : {}),
  };
  return e.status === 'firing'
    ? { ...base, state: 'firing' }
    : { ...base, state: 'resolved', endsAt: e.endsAt ?? e.startsAt };
}
