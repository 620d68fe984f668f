import { systemClock } from '@argus/core';
import { grafanaClient } from '../client.js';
import type { DashboardModel } from './build.js';
import { checkDashboard } from './validate.js';

/** Options of {@link pushDashboards}. */
export interface PushDashboardsOptions {
  /** Grafana's base URL. */
  url: string;
  /** A service-account token with the Editor role; never logged. */
  token: string;
  /** The folder the dashboards go to, created when missing. @default { uid: 'argus', title: 'Argus' } */
  folder?: { uid: string; title: string };
  /** Replace dashboards that exist in Grafana (changed there or not). Without it an existing one is a conflict. @default false */
  overwrite?: boolean;
  /** The version-history note. @default 'argus: generated dashboards' */
  message?: string;
  /** Deadline of one request, ms. @default 10000 */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** What happened to one dashboard. */
export interface PushedDashboard {
  readonly uid: string;
  /** `saved`: created or replaced; `conflict`: it exists in Grafana (412) and `overwrite` was not given. */
  readonly status: 'saved' | 'conflict';
  readonly version?: number;
  readonly url?: string;
  readonly message?: string;
}

/**
 * Pushes dashboards through `POST /api/dashboards/db` into a folder it creates when missing. A dashboard that
 * exists in Grafana is only replaced with `overwrite: true`; otherwise Grafana's 412 comes back as a `conflict`.
 * Other failures (401, 403, unreachable, invalid dashboard) throw with a message that says what to fix.
 * @example
 * await pushDashboards(buildDashboards({ groups }), { url, token, overwrite: true });
 */
export async function pushDashboards(
  dashboards: readonly DashboardModel[],
  o: PushDashboardsOptions,
): Promise<PushedDashboard[]> {
  for (const d of dashboards) {
    const problems = checkDashboard(d);
    if (problems.length > 0)
      throw new Error(`grafana: invalid dashboard, not pushed: ${problems.join('; ')}`);
  }
  const signal = o.signal ?? new AbortController().signal;
  const client = grafanaClient({
    url: o.url,
    token: o.token,
    timeoutMs: o.timeoutMs ?? 10_000,
    maxRetries: 2,
    backoffMs: 500,
    clock: systemClock,
  });
  const folder = o.folder ?? { uid: 'argus', title: 'Argus' };
  const found = await client.call(
    { method: 'GET', path: `/api/folders/${encodeURIComponent(folder.uid)}` },
    signal,
  );
  if (!found.ok && found.status !== 404) throw found.error;
  if (!found.ok) {
    const made = await client.call({ method: 'POST', path: '/api/folders', body: folder }, signal);
    // 409: created meanwhile by someone else, which is what we wanted
    if (!made.ok && made.status !== 409) throw made.error;
  }
  const out: PushedDashboard[] = [];
  for (const d of dashboards) {
    const body = {
      dashboard: { ...d, id: null },
      folderUid: folder.uid,
      message: o.message ?? 'argus: generated dashboards',
      overwrite: o.overwrite ?? false,
    };
    const r = await client.call<{ version?: number; url?: string }>(
      { method: 'POST', path: '/api/dashboards/db', body },
      signal,
    );
    if (r.ok) out.push({ uid: d.uid!, status: 'saved', ...pick(r.body) });
    else if (r.status === 412 && !o.overwrite)
      out.push({ uid: d.uid!, status: 'conflict', message: `${r.error.message}` });
    else throw r.error;
  }
  return out;
}

function pick(b: { version?: number; url?: string } | undefined): { version?: number; url?: string } {
  return {
    ...(typeof b?.version === 'number' ? { version: b.version } : {}),
    ...(typeof b?.url === 'string' ? { url: b.url } : {}),
  };
}
