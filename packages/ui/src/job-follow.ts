// Follows one analysis job until it ends: from the server's live `job` events (`/api/events`) where the page gets
// them, else by long polls of `GET /api/analysis/jobs/{id}?waitMs=…`. DOM-free (the event source and the fetch are
// passed in) so it is unit-tested in node.
import type { JobView } from './backtest.js';

/** The part of the browser's `EventSource` used here. */
export interface JobEvents {
  addEventListener(type: 'open' | 'error' | 'job', fn: (e: { data?: unknown }) => void): void;
  close(): void;
  /** 2: closed for good (the browser gave up); 0: reconnecting on its own. */
  readonly readyState: number;
}

export interface FollowDeps {
  /** Opens the live events; absent where there are none (the page then long-polls). */
  events?: (() => JobEvents) | undefined;
  /** `GET /api/analysis/jobs/{id}?waitMs=…`: answers at once with 0, else at the job's next change or after that. */
  get: (waitMs: number) => Promise<JobView>;
  /** Each newer view of the job; the last, with its result, when it ended. */
  onJob: (job: JobView) => void;
  onEnd: () => void;
  onError: (message: string) => void;
}

// each long poll of a running job answers when it changes or after this long
export const WAIT_MS = 1000;
const CLOSED = 2;

/** Starts following; returns the function that stops it. */
export function followJob(id: string, deps: FollowDeps): () => void {
  let live = true;
  let es: JobEvents | undefined;
  // bumped by every event: an answer to a GET sent before the latest event is older than what is shown
  let seen = 0;
  const stop = (): void => {
    live = false;
    es?.close();
  };
  const fail = (e: unknown): void => {
    if (live) deps.onError((e as Error).message);
    stop();
  };
  // the job as it is now; with its result when it has ended (events never carry the result)
  const fetchNow = (): void => {
    const asked = seen;
    deps.get(0).then((j) => {
      if (!live || asked !== seen) return;
      deps.onJob(j);
      if (j.state !== 'running') {
        stop();
        deps.onEnd();
      }
    }, fail);
  };
  const poll = async (): Promise<void> => {
    let wait = 0;
    while (live) {
      try {
        const j = await deps.get(wait);
        if (!live) return;
        deps.onJob(j);
        if (j.state !== 'running') return stopAndEnd();
      } catch (e) {
        return fail(e);
      }
      wait = WAIT_MS;
    }
  };
  const stopAndEnd = (): void => {
    stop();
    deps.onEnd();
  };
  if (!deps.events) {
    void poll();
    return stop;
  }
  es = deps.events();
  let opened = false;
  // on each (re)connection: where the job stands now, as events sent while not connected are not replayed to a new one
  es.addEventListener('open', () => {
    opened = true;
    fetchNow();
  });
  es.addEventListener('job', (e) => {
    if (!live) return;
    const j = JSON.parse(String(e.data)) as JobView;
    if (j.id !== id) return;
    seen++;
    if (j.state === 'running') deps.onJob(j);
    else fetchNow();
  });
  es.addEventListener('error', () => {
    // never connected (no events here, or refused), or given up: long polls instead
    if (!live || (opened && es!.readyState !== CLOSED)) return;
    es!.close();
    es = undefined;
    void poll();
  });
  return stop;
}
