import type { StateStore } from '@argus/core';
import { type AnnotationIntent, KEY_TAG } from './annotations.js';
import type { GrafanaClient, GrafanaFailure } from './client.js';

/** What the state store remembers of one annotation. */
interface Entry {
  /** Grafana's annotation id, once the create was acknowledged. */
  readonly id?: number;
  /** A create was sent but its answer not saved: after a crash, look the annotation up by its key tag first. */
  readonly pending?: true;
  /** The end the region has in Grafana, once closed. */
  readonly timeEnd?: number;
  /** An alert region still open: kept until it is closed, whatever its age. */
  readonly open?: true;
  /** When the entry last changed (the pipeline's clock), for {@link pruneLedger}. */
  readonly at?: number;
}

/** Where the intent's annotation goes. */
export interface Target {
  readonly dashboardUid?: string | undefined;
  readonly panelId?: number | undefined;
}

/** What applying one intent did, for the plugin's counters. */
export type Applied = 'created' | 'patched' | 'recovered' | 'unchanged';

interface Deps {
  readonly client: GrafanaClient;
  readonly state: StateStore;
  readonly signal: AbortSignal;
  readonly target: Target;
  /** The pipeline clock's now, stamped on the entries written. */
  readonly now: number;
}

interface ListedAnnotation {
  id: number;
  time?: number;
  timeEnd?: number;
}

const stateKey = (key: string): string => `annotations/${key}`;

/** After a crash between POST and saving its id: the annotation carrying this key's tag, if Grafana has one. */
async function recover(intent: AnnotationIntent, d: Deps): Promise<Entry | undefined | GrafanaFailure> {
  const q = new URLSearchParams({ tags: KEY_TAG + intent.key, type: 'annotation', limit: '1' });
  const r = await d.client.call<ListedAnnotation[]>(
    { method: 'GET', path: `/api/annotations?${q}` },
    d.signal,
  );
  if (!r.ok) return r;
  const hit = Array.isArray(r.body) ? r.body[0] : undefined;
  if (!hit || typeof hit.id !== 'number') return undefined;
  // Grafana reports a point (or an open region) with timeEnd equal to time
  const closed = hit.timeEnd !== undefined && hit.time !== undefined && hit.timeEnd > hit.time;
  const entry: Entry = {
    id: hit.id,
    ...(closed ? { timeEnd: hit.timeEnd } : intent.open ? { open: true } : {}),
    at: d.now,
  };
  await d.state.put(stateKey(intent.key), entry);
  return entry;
}

async function create(intent: AnnotationIntent, d: Deps): Promise<Applied | GrafanaFailure> {
  // written before the POST, so a crash after Grafana stored it leads to a look-up, not a duplicate
  await d.state.put(stateKey(intent.key), { pending: true } satisfies Entry);
  const body = {
    ...(d.target.dashboardUid ? { dashboardUID: d.target.dashboardUid } : {}),
    ...(d.target.panelId !== undefined ? { panelId: d.target.panelId } : {}),
    time: intent.time,
    ...(intent.timeEnd !== undefined ? { timeEnd: intent.timeEnd } : {}),
    tags: [...intent.tags],
    text: intent.text,
  };
  const r = await d.client.call<{ id?: unknown }>(
    { method: 'POST', path: '/api/annotations', body },
    d.signal,
  );
  if (!r.ok) return r;
  if (typeof r.body?.id !== 'number') {
    return {
      ok: false,
      retryable: true,
      error: new Error('grafana: POST /api/annotations answered without an id'),
    };
  }
  const entry: Entry = {
    id: r.body.id,
    ...(intent.timeEnd !== undefined ? { timeEnd: intent.timeEnd } : intent.open ? { open: true } : {}),
    at: d.now,
  };
  await d.state.put(stateKey(intent.key), entry);
  return 'created';
}

/**
 * Makes Grafana hold the intent's annotation exactly once: creates it, or closes its region with a PATCH when
 * the intent has an end the stored one lacks. Safe to repeat after any failure or crash.
 */
export async function applyIntent(intent: AnnotationIntent, d: Deps): Promise<Applied | GrafanaFailure> {
  let entry = await d.state.get<Entry>(stateKey(intent.key));
  let recovered = false;
  if (entry?.id === undefined && entry?.pending) {
    const found = await recover(intent, d);
    if (found && 'ok' in found) return found;
    entry = found;
    recovered = found !== undefined;
  }
  if (entry?.id === undefined) return create(intent, d);
  if (intent.timeEnd === undefined || entry.timeEnd === intent.timeEnd)
    return recovered ? 'recovered' : 'unchanged';
  const patch = { timeEnd: intent.timeEnd, text: intent.text, tags: [...intent.tags] };
  const r = await d.client.call(
    { method: 'PATCH', path: `/api/annotations/${entry.id}`, body: patch },
    d.signal,
  );
  if (!r.ok && r.status === 404) {
    // deleted in Grafana by someone: write it again rather than lose the alert's region
    await d.state.delete(stateKey(intent.key));
    return create(intent, d);
  }
  if (!r.ok) return r;
  await d.state.put(stateKey(intent.key), {
    id: entry.id,
    timeEnd: intent.timeEnd,
    at: d.now,
  } satisfies Entry);
  return 'patched';
}

/**
 * Forgets the annotations whose entries last changed before `before` and are not open alert regions, so the
 * state store does not grow forever. Only a change re-delivered after that (long past any retry) would be
 * written again. Returns how many entries it removed.
 */
export async function pruneLedger(state: StateStore, before: number): Promise<number> {
  let removed = 0;
  for (const key of await state.list('annotations/')) {
    const e = await state.get<Entry>(key);
    if (!e || e.open || e.pending || (e.at ?? 0) >= before) continue;
    await state.delete(key);
    removed++;
  }
  return removed;
}
