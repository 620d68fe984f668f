import { readFile, stat } from 'node:fs/promises';

/** One place to scrape, with the labels its series get. */
export interface ScrapeTarget {
  readonly url: string;
  /** `job`, `instance` and any static labels. */
  readonly labels: Readonly<Record<string, string>>;
  /** Identity across polls: URL plus labels. */
  readonly key: string;
}

/** A target as given in options: a URL, or a URL with extra labels. */
export type TargetInput =
  | string
  | { readonly url: string; readonly labels?: Readonly<Record<string, string>> };

/** The URL without user info, for labels, logs and errors. */
export function redactUrl(url: string): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.toString();
}

/** Builds a target; `instance` defaults to the URL's host:port, as Prometheus's does. */
export function makeTarget(
  url: string,
  job: string,
  extra: Readonly<Record<string, string>> = {},
): ScrapeTarget {
  const u = new URL(url);
  const labels = { job, instance: u.host, ...extra };
  return { url, labels, key: `${url}\u0000${JSON.stringify(Object.entries(labels).sort())}` };
}

/** Static targets from options. */
export function staticTargets(inputs: readonly TargetInput[], job: string): ScrapeTarget[] {
  return inputs.map((t) => (typeof t === 'string' ? makeTarget(t, job) : makeTarget(t.url, job, t.labels)));
}

interface FileSdGroup {
  targets: string[];
  labels?: Record<string, string>;
}

function isGroups(v: unknown): v is FileSdGroup[] {
  return (
    Array.isArray(v) &&
    v.every(
      (g) =>
        typeof g === 'object' &&
        g !== null &&
        Array.isArray(g.targets) &&
        g.targets.every((t: unknown) => typeof t === 'string') &&
        (g.labels === undefined ||
          (typeof g.labels === 'object' && Object.values(g.labels).every((v) => typeof v === 'string'))),
    )
  );
}

/**
 * Targets from a Prometheus `file_sd_configs` JSON file: `[{ "targets": ["host:port"], "labels": {…} }]`.
 * `__scheme__` and `__metrics_path__` labels pick the URL; other `__` labels are dropped, as after relabeling.
 */
export function fileSdTargets(text: string, file: string, job: string): ScrapeTarget[] {
  let groups: unknown;
  try {
    groups = JSON.parse(text);
  } catch (err) {
    throw new Error(`fileSd ${file}: not valid JSON (${(err as Error).message})`);
  }
  if (!isGroups(groups)) {
    throw new Error(`fileSd ${file}: expected [{ "targets": ["host:port", …], "labels": { … } }, …]`);
  }
  const out: ScrapeTarget[] = [];
  for (const g of groups) {
    const labels = g.labels ?? {};
    const scheme = labels['__scheme__'] ?? 'http';
    const path = labels['__metrics_path__'] ?? '/metrics';
    const visible = Object.fromEntries(Object.entries(labels).filter(([k]) => !k.startsWith('__')));
    for (const t of g.targets) {
      const url = `${scheme}://${t}${path.startsWith('/') ? path : `/${path}`}`;
      out.push(makeTarget(url, visible['job'] ?? job, { instance: t, ...visible }));
    }
  }
  return out;
}

/** Re-reads file_sd files when their mtime changes; reports bad files through `onError`. */
export function fileSdWatcher(
  files: readonly string[],
  job: string,
): (onError: (err: Error) => void) => Promise<ScrapeTarget[]> {
  const cache = new Map<string, { mtimeMs: number; targets: ScrapeTarget[] }>();
  return async (onError: (err: Error) => void): Promise<ScrapeTarget[]> => {
    const all: ScrapeTarget[] = [];
    for (const file of files) {
      try {
        const { mtimeMs } = await stat(file);
        let entry = cache.get(file);
        if (!entry || entry.mtimeMs !== mtimeMs) {
          entry = { mtimeMs, targets: fileSdTargets(await readFile(file, 'utf8'), file, job) };
          cache.set(file, entry);
        }
        all.push(...entry.targets);
      } catch (err) {
        onError(err instanceof Error ? err : new Error(String(err)));
        // a deleted file removes its targets (as in Prometheus); a broken one keeps the last good list
        if ((err as { code?: string }).code === 'ENOENT') cache.delete(file);
        all.push(...(cache.get(file)?.targets ?? []));
      }
    }
    return all;
  };
}
