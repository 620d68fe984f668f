// `server.investigation`: background investigations by the alert manager behind `argus run`'s server. When a
// group notifies new firing alerts, an Ollama model (@argus/detector-ollama's analyst, installed apart) writes
// recommendations; they are attached to the alerts and sent once as a follow-up of the same group.
import type { InvestigationOptions } from '@argus/alerting';
import { API_VERSION, type Logger, type OptionIssue, type Sink } from '@argus/core';
import { importOptional } from './config/resolve.js';
import type { InvestigationSettings } from './config/server-schema.js';

/** The analyst's part used here (see @argus/detector-ollama's `OllamaAnalyst`). */
interface Analyst {
  start(): Promise<void>;
  stop(): void;
  investigate: InvestigationOptions['investigate'];
}

/** A problem under `server.investigation`, with its path below `server`. */
export interface InvestigationIssue {
  path: (string | number)[];
  message: string;
}

/** What {@link investigation} made, or the located problems of its options. */
export type InvestigationParts =
  | { options: InvestigationOptions; sink: Sink; issues?: undefined }
  | { issues: InvestigationIssue[] };

/**
 * Makes the alert manager's `investigation` option and a sink that starts and stops the analyst with the
 * pipeline: the model is checked at start (a server without it is a start error naming `ollama pull`; a
 * server that does not answer means degraded, retried in the background), and calls in flight stop at stop.
 */
export async function investigation(
  s: InvestigationSettings,
  dir: string,
  log: Logger,
): Promise<InvestigationParts> {
  const mod = await importOptional('@argus/detector-ollama', dir, 'server.investigation');
  const make = mod['ollamaAnalyst'] as (o: unknown, deps: { log: Logger }) => Analyst;
  let analyst: Analyst;
  try {
    analyst = make(s.ollama, { log });
  } catch (err) {
    const { code, issues } = err as { code?: string; issues?: OptionIssue[] };
    if (code !== 'ERR_PLUGIN_OPTIONS' || !Array.isArray(issues)) throw err;
    return {
      issues: issues.map((x) => ({
        path: ['investigation', 'ollama', ...(x.keys ?? [])],
        message: `${x.message}${x.given === 'nothing' ? '' : ` (given: ${x.given})`}`,
      })),
    };
  }
  // not a data sink: the pipeline's lifecycle (start with a deadline, stop in order) is what it needs; a sink
  // must accept some kind, so it takes the alerts (few) and drops them: the alert manager's own sink has them
  let stopped = false;
  const sink: Sink = {
    kind: 'sink',
    name: 'server:investigation',
    apiVersion: API_VERSION,
    accepts: ['alerts'],
    start: () => analyst.start(),
    stop() {
      stopped = true;
      analyst.stop();
    },
    write: () =>
      stopped
        ? { ok: false, retryable: false, error: new Error('server:investigation: stopped') }
        : { ok: true },
  };
  const options: InvestigationOptions = {
    investigate: (group, ctx) => analyst.investigate(group, ctx),
    ...(s.timeoutMs === undefined ? {} : { timeoutMs: s.timeoutMs }),
    ...(s.maxInFlight === undefined ? {} : { maxInFlight: s.maxInFlight }),
  };
  return { options, sink };
}
