// Where each alert was routed: its aggregation groups and their receivers, from the Alertmanager v2 API's
// /api/v2/alerts/groups (the server's own /api/alerts carries neither).
import { labelText } from './format.js';

/** One group as `/api/v2/alerts/groups` lists it (only the fields read here). */
export interface GroupAnswer {
  labels: Record<string, string>;
  receiver: { name: string };
  alerts: { fingerprint: string }[];
}

/** An alert's groups (their group-by labels, as text) and receivers; an alert may match several routes. */
export interface Routing {
  groups: string[];
  receivers: string[];
}

/** By fingerprint: the groups each alert is in and the receivers they notify, each listed once, in order. */
export function routingByAlert(groups: readonly GroupAnswer[]): Map<string, Routing> {
  const out = new Map<string, Routing>();
  for (const g of groups) {
    const group = labelText(g.labels);
    for (const { fingerprint } of g.alerts) {
      let r = out.get(fingerprint);
      if (!r) out.set(fingerprint, (r = { groups: [], receivers: [] }));
      if (!r.groups.includes(group)) r.groups.push(group);
      if (!r.receivers.includes(g.receiver.name)) r.receivers.push(g.receiver.name);
    }
  }
  return out;
}
