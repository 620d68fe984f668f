import { createHash } from 'node:crypto';
import type { Alert, Finding, Labels } from '@argus/core';
import type { ParsedGrafanaSinkOptions } from './schema.js';

/** One annotation the sink wants to exist in Grafana, in its final known shape. */
export interface AnnotationIntent {
  /** Stable across restarts: the same alert episode or finding always gets the same key. */
  readonly key: string;
  readonly time: number;
  /** Set once the region is closed (resolved alert); absent for an open region or a point. */
  readonly timeEnd?: number;
  readonly text: string;
  readonly tags: readonly string[];
  /** A firing alert's region, still to be closed: its entry is kept however old it gets. */
  readonly open?: boolean;
}

/** The tag prefix that makes an annotation findable after a crash (the id may never have been saved). */
export const KEY_TAG = 'argus-key:';

// Grafana stores tags as short strings; long label values would make tags nobody filters on
const MAX_TAG = 100;

function hashKey(raw: string): string {
  return createHash('sha256').update(raw).digest('hex').slice(0, 20);
}

function labelTags(labels: Labels, o: ParsedGrafanaSinkOptions): string[] {
  const out: string[] = [];
  for (const name of o.labelTags) {
    const v = labels[name];
    if (v !== undefined && v !== '') out.push(`${name}:${v}`.slice(0, MAX_TAG));
  }
  return out;
}

function uniq(tags: string[]): string[] {
  return [...new Set(tags)];
}

/** What to annotate for an alert change: firing opens a region, resolved closes it; pending/inactive nothing. */
export function alertIntent(a: Alert, o: ParsedGrafanaSinkOptions): AnnotationIntent | undefined {
  if (a.state !== 'firing' && a.state !== 'resolved') return undefined;
  const key = hashKey(`alert\u0000${a.fingerprint}\u0000${a.startsAt}`);
  const name = a.labels['alertname'] ?? a.origin;
  const summary = a.annotations['summary'] ?? a.annotations['description'] ?? '';
  const value = a.value === undefined ? '' : ` (value ${a.value})`;
  const tags = uniq([
    ...o.tags,
    'alert',
    `rule:${name}`.slice(0, MAX_TAG),
    ...(a.labels['severity'] ? [`severity:${a.labels['severity']}`] : []),
    ...labelTags(a.labels, o),
    KEY_TAG + key,
  ]);
  const resolved = a.state === 'resolved';
  return {
    key,
    time: a.startsAt,
    ...(resolved ? { timeEnd: Math.max(a.startsAt, a.endsAt ?? a.startsAt) } : { open: true }),
    text: `${resolved ? '[RESOLVED]' : '[FIRING]'} ${name}${summary ? `: ${summary}` : ''}${value}`,
    tags,
  };
}

/** A judge confirmed it: the latest verdict that took a side said `confirmed: true`. */
export function isConfirmed(f: Finding): boolean {
  const sided = (f.verdicts ?? []).filter((v) => v.confirmed !== undefined);
  return sided.length > 0 && sided[sided.length - 1]!.confirmed === true;
}

function isDismissed(f: Finding): boolean {
  const sided = (f.verdicts ?? []).filter((v) => v.confirmed !== undefined);
  return sided.length > 0 && sided[sided.length - 1]!.confirmed === false;
}

/** What to annotate for a finding (a point at its sample time), or nothing when `findings` does not select it. */
export function findingIntent(
  f: Finding,
  labels: Labels,
  seriesFingerprint: string,
  o: ParsedGrafanaSinkOptions,
): AnnotationIntent | undefined {
  if (o.findings === 'none') return undefined;
  if (o.findings === 'confirmed' && !isConfirmed(f)) return undefined;
  if (o.findings === 'all' && (isDismissed(f) || f.score < o.minScore)) return undefined;
  const key = hashKey(`finding\u0000${seriesFingerprint}\u0000${f.timestamp}\u0000${f.detector}`);
  const metric = labels['__name__'] ?? 'series';
  const band = f.expected ? `, expected ${f.expected.lower}…${f.expected.upper}` : '';
  return {
    key,
    time: f.timestamp,
    text: `Anomaly on ${metric}: ${f.explanation} (value ${f.value}${band}, score ${f.score.toFixed(2)})`,
    tags: uniq([
      ...o.tags,
      'anomaly',
      `detector:${f.detector}`.slice(0, MAX_TAG),
      ...(isConfirmed(f) ? ['confirmed'] : []),
      ...labelTags(labels, o),
      KEY_TAG + key,
    ]),
  };
}
