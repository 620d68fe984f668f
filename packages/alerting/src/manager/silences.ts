import type { Labels } from '@argus/core';
import { type LabelMatcher, matchesLabels } from '@argus/processors';
import { parseAmMatcher } from './matchers.js';

/** A silence as stored and listed (Alertmanager's model; times in ms since epoch). */
export interface Silence {
  readonly id: string;
  /** Alertmanager matcher strings: `alertname="HighCPU"`, `instance=~"web-.*"`. */
  readonly matchers: readonly string[];
  readonly startsAt: number;
  readonly endsAt: number;
  readonly createdBy: string;
  readonly comment: string;
  readonly updatedAt: number;
}

/** What {@link AlertManager.silence} takes. */
export interface SilenceInput {
  /** Give an existing id to update that silence. */
  id?: string;
  matchers: readonly string[];
  /** @default now */
  startsAt?: number;
  endsAt: number;
  createdBy: string;
  comment: string;
}

/** A silence with compiled matchers. */
export interface CompiledSilence extends Silence {
  readonly compiled: LabelMatcher[];
}

/** `active`, `pending` or `expired` at `now`. */
export function silenceState(s: Silence, now: number): 'active' | 'pending' | 'expired' {
  if (now < s.startsAt) return 'pending';
  return now < s.endsAt ? 'active' : 'expired';
}

/** Validates a silence as Alertmanager does; throws a `RangeError` with its message. */
export function compileSilence(s: Silence): CompiledSilence {
  if (s.matchers.length === 0) throw new RangeError('silence invalid: at least one matcher required');
  const compiled = s.matchers.map(parseAmMatcher);
  if (compiled.every((m) => matchesLabels([m], {}))) {
    throw new RangeError('silence invalid: at least one matcher must not match the empty string');
  }
  if (s.startsAt > s.endsAt) throw new RangeError('silence invalid: start time must be before end time');
  if (!s.createdBy) throw new RangeError('silence invalid: createdBy is required');
  return { ...s, compiled };
}

/** Ids of the silences active at `now` that match `labels`. */
export function silencedBy(silences: Iterable<CompiledSilence>, labels: Labels, now: number): string[] {
  const out: string[] = [];
  for (const s of silences)
    if (silenceState(s, now) === 'active' && matchesLabels(s.compiled, labels)) out.push(s.id);
  return out;
}
