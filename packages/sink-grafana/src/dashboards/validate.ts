import type { DashboardModel } from './build.js';

interface PanelLike {
  id?: number;
  type?: string;
  title?: string;
  gridPos?: { h?: number; w?: number; x?: number; y?: number };
  targets?: { refId?: string; datasource?: { type?: string; uid?: string } }[];
  panels?: PanelLike[];
}

const UID = /^[a-zA-Z0-9_-]{1,40}$/;
const GRID_COLUMNS = 24;

function checkPanel(p: PanelLike, where: string, ids: Set<number>): string[] {
  const out: string[] = [];
  if (typeof p.type !== 'string' || p.type === '') out.push(`${where}: no type`);
  if (typeof p.id !== 'number') out.push(`${where}: no id`);
  else if (ids.has(p.id)) out.push(`${where}: id ${p.id} is used twice`);
  else ids.add(p.id);
  const g = p.gridPos;
  if (!g || [g.h, g.w, g.x, g.y].some((n) => typeof n !== 'number' || n < 0))
    out.push(`${where}: gridPos is incomplete`);
  else if ((g.x ?? 0) + (g.w ?? 0) > GRID_COLUMNS) out.push(`${where}: gridPos is wider than 24 columns`);
  const refIds = new Set<string>();
  for (const t of p.targets ?? []) {
    if (!t.refId) out.push(`${where}: a query has no refId`);
    else if (refIds.has(t.refId)) out.push(`${where}: refId ${t.refId} is used twice`);
    else refIds.add(t.refId);
    if (t.datasource && (typeof t.datasource.uid !== 'string' || typeof t.datasource.type !== 'string'))
      out.push(`${where}: a query's datasource needs type and uid`);
  }
  return out;
}

/**
 * Checks what Grafana needs of a dashboard before it is written or pushed: a valid uid (≤ 40 characters), a
 * title, a schemaVersion, and panels with a type, a unique id, a complete gridPos inside the 24 columns and
 * unique refIds. Returns the problems; an empty list means it passes.
 */
export function checkDashboard(d: DashboardModel): string[] {
  const out: string[] = [];
  const name = d.title ?? d.uid ?? '(untitled)';
  if (typeof d.uid !== 'string' || !UID.test(d.uid))
    out.push(`${name}: uid must be 1–40 letters, digits, - or _`);
  if (typeof d.title !== 'string' || d.title.trim() === '') out.push(`${name}: title is empty`);
  if (!Number.isInteger(d.schemaVersion)) out.push(`${name}: schemaVersion is missing`);
  const ids = new Set<number>();
  for (const [i, p] of ((d.panels ?? []) as PanelLike[]).entries()) {
    const where = `${name}: panel ${i} (${p.title ?? p.type ?? '?'})`;
    out.push(...checkPanel(p, where, ids));
    for (const [j, inner] of (p.panels ?? []).entries())
      out.push(...checkPanel(inner, `${where} › ${j}`, ids));
  }
  return out;
}
