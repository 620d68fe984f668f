import { ArgusError, type LabelMatcher, type Labels, matchesLabels } from '@argus/core';
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

/** An `ERR_INVALID_ARGUMENT` naming the function and the field (Alertmanager's own wording follows the colon). */
export function silenceError(fn: string, field: string, message: string, cause?: unknown): ArgusError {
  return new ArgusError('ERR_INVALID_ARGUMENT', `alert manager ${fn}(): ${field}: ${message}`, { cause });
}

function compileMatcher(text: string, i: number): LabelMatcher {
  try {
    return parseAmMatcher(text);
  } catch (err) {
    throw silenceError('silence', `matchers[${i}]`, (err as Error).message, err);
  }
}

/** Validates a silence as Alertmanager does; throws `ERR_INVALID_ARGUMENT` naming the field, with its message. */
export function compileSilence(s: Silence): CompiledSilence {
  if (s.matchers.length === 0)
    throw silenceError('silence', 'matchers', 'silence invalid: at least one matcher required');
  const compiled = s.matchers.map(compileMatcher);
  if (compiled.every((m) => matchesLabels([m], {}))) {
    throw silenceError(
      'silence',
      'matchers',
      'silence invalid: at least one matcher must not match the empty string',
    );
  }
  if (!(s.startsAt <= s.endsAt))
    throw silenceError('silence', 'endsAt', 'silence invalid: start time must be before end time');
  if (!s.createdBy) throw silenceError('silence', 'createdBy', 'silence invalid: createdBy is required');
  return { ...s, compiled };
}

/** Ids of the silences active at `now` that match `labels`. */
export function silencedBy(silences: Iterable<CompiledSilence>, labels: Labels, now: number): string[] {
  const out: string[] = [];
  for (const s of silences)
    if (silenceState(s, now) === 'active' && matchesLabels(s.compiled, labels)) out.push(s.id);
  return out;
}

/** The silences of one alert manager: create, update, expire, list, match; every change saved through `save`. */
export class SilenceBook {
  readonly map: Map<string, CompiledSilence> = new Map();

  constructor(
    private readonly save: (s: Silence) => void,
    private readonly note: (at: number, event: 'silenced' | 'unsilenced', reason: string) => void,
  ) {}

  load(list: readonly Silence[]): void {
    for (const s of list) this.map.set(s.id, compileSilence(s));
  }

  add(input: SilenceInput, now: number): string {
    const s = compileSilence({
      id: input.id ?? crypto.randomUUID(),
      matchers: [...input.matchers],
      startsAt: Math.max(now, input.startsAt ?? now),
      endsAt: input.endsAt,
      createdBy: input.createdBy,
      comment: input.comment,
      updatedAt: now,
    });
    this.set(s);
    this.note(now, 'silenced', `${s.matchers.join(',')} by ${s.createdBy}: ${s.comment}`);
    return s.id;
  }

  expire(id: string, now: number): void {
    const s = this.map.get(id);
    if (!s) throw silenceError('expireSilence', 'id', `silence not found: ${id}; take one from silences()`);
    this.set({ ...s, endsAt: Math.min(s.endsAt, now), updatedAt: now });
    this.note(now, 'unsilenced', id);
  }

  list(now: number): (Silence & { state: 'active' | 'pending' | 'expired' })[] {
    return [...this.map.values()].map(({ compiled: _c, ...s }) => ({ ...s, state: silenceState(s, now) }));
  }

  matching(labels: Labels, now: number): string[] {
    return silencedBy(this.map.values(), labels, now);
  }

  private set(s: CompiledSilence): void {
    this.map.set(s.id, s);
    const { compiled: _c, ...plain } = s;
    this.save(plain);
  }
}
