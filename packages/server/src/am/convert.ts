import type { AlertView, SilenceView } from '@argus/alerting';
import type { LabelMatcher } from '@argus/processors';
import { matcherText, matchesLabels, parseMatcher } from '../matchers.js';

/** Alertmanager's matcher object. */
export interface AmMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual: boolean;
}

/** Alertmanager's gettableAlert. */
export interface GettableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  updatedAt: string;
  generatorURL?: string;
  fingerprint: string;
  receivers: { name: string }[];
  status: { state: 'unprocessed' | 'active' | 'suppressed'; silencedBy: string[]; inhibitedBy: string[] };
}

/** Alertmanager's gettableSilence. */
export interface GettableSilence {
  id: string;
  status: { state: 'expired' | 'active' | 'pending' };
  updatedAt: string;
  matchers: AmMatcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** `fingerprint → receivers` from the aggregation groups. */
export function receiversByAlert(
  groups: readonly { receiver: string; alerts: readonly string[] }[],
): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const g of groups)
    for (const fp of g.alerts) {
      const list = out.get(fp) ?? [];
      if (!list.includes(g.receiver)) list.push(g.receiver);
      out.set(fp, list);
    }
  return out;
}

/** An alert view as Alertmanager's gettableAlert; `endsAt` of a firing alert is when it ends unless re-sent. */
export function gettableAlert(a: AlertView, receivers: readonly string[], endsAt: number): GettableAlert {
  return {
    labels: { ...a.labels },
    annotations: { ...a.annotations },
    startsAt: iso(a.startsAt),
    endsAt: iso(a.endsAt ?? endsAt),
    updatedAt: iso(a.updatedAt),
    ...(a.generatorURL ? { generatorURL: a.generatorURL } : {}),
    fingerprint: a.fingerprint,
    receivers: receivers.map((name) => ({ name })),
    status: {
      state: a.status.state === 'suppressed' ? 'suppressed' : 'active',
      silencedBy: [...a.status.silencedBy],
      inhibitedBy: [...a.status.inhibitedBy],
    },
  };
}

/** Alertmanager's matcher object of a matcher. */
export function amMatcherOf(m: LabelMatcher): {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual: boolean;
} {
  return { name: m.name, value: m.value, isRegex: m.op.endsWith('~'), isEqual: !m.op.startsWith('!') };
}

/** The matcher text of Alertmanager's matcher object. */
export function textOfAmMatcher(m: {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual: boolean;
}): string {
  const op = m.isRegex ? (m.isEqual ? '=~' : '!~') : m.isEqual ? '=' : '!=';
  return matcherText({ name: m.name, op, value: m.value });
}

/** A silence as Alertmanager's gettableSilence. */
export function gettableSilence(s: SilenceView): GettableSilence {
  return {
    id: s.id,
    status: { state: s.state },
    updatedAt: iso(s.updatedAt),
    matchers: s.matchers.map((t) => amMatcherOf(parseMatcher(t))),
    startsAt: iso(s.startsAt),
    endsAt: iso(s.endsAt),
    createdBy: s.createdBy,
    comment: s.comment,
  };
}

/** Alertmanager's filter on silences: the filter matchers must match the label set the silence's matchers spell. */
export function silenceMatchesFilter(s: SilenceView, filter: readonly LabelMatcher[]): boolean {
  if (filter.length === 0) return true;
  const labels: Record<string, string> = {};
  for (const t of s.matchers) {
    const m = parseMatcher(t);
    labels[m.name] = m.value;
  }
  return matchesLabels([...filter], labels);
}

const RANK = { active: 0, pending: 1, expired: 2 } as const;

/** Alertmanager's order: active by end, pending by start, expired by end, newest first. */
export function sortSilences(list: SilenceView[]): SilenceView[] {
  return list.sort((a, b) => {
    if (a.state !== b.state) return RANK[a.state] - RANK[b.state];
    if (a.state === 'active') return a.endsAt - b.endsAt;
    if (a.state === 'pending') return a.startsAt - b.startsAt;
    return b.endsAt - a.endsAt;
  });
}
