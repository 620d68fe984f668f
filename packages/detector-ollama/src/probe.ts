import { type PluginContext, PluginError, type TimerHandle } from '@argus/core';
import { hasModel, listModels } from './client.js';
import type { JudgeState } from './judge.js';

type Probed = { kind: 'ready' } | { kind: 'missing'; names: string[] } | { kind: 'noAnswer'; error: unknown };

async function probe(s: JudgeState): Promise<Probed> {
  const timer = new AbortController();
  const handle = s.clock.setTimeout(() => timer.abort(new Error('probe deadline')), s.opts.probeTimeoutMs);
  try {
    const names = await listModels(s.host, AbortSignal.any([timer.signal, s.stopping.signal]));
    return hasModel(names, s.opts.model) ? { kind: 'ready' } : { kind: 'missing', names };
  } catch (error) {
    return { kind: 'noAnswer', error };
  } finally {
    s.clock.clearTimeout(handle);
  }
}

function missingMessage(s: JudgeState, names: readonly string[]): string {
  const have =
    names.length > 0 ? `it has: ${[...new Set(names)].slice(0, 10).join(', ')}` : 'it has no models';
  return (
    `model '${s.opts.model}' is not on the Ollama server at ${s.host} (${have}). ` +
    `Run \`ollama pull ${s.opts.model}\` on that host, or set the option model to one it has.`
  );
}

/** The background retry while the server does not answer; `stop()` ends it. */
export interface Prober {
  stop(): void;
}

/**
 * Checks the model with `/api/tags`. A server that answers without the model is a start error naming the model
 * and the pull command; a server that does not answer leaves the detector degraded (findings pass through
 * unjudged) and is asked again every `probeIntervalMs` until it answers.
 */
export async function startProbe(s: JudgeState, ctx: Pick<PluginContext, 'log'>): Promise<Prober> {
  const first = await probe(s);
  if (first.kind === 'missing') {
    throw new PluginError('ERR_PLUGIN_START', s.opts.name, 'start', missingMessage(s, first.names));
  }
  if (first.kind === 'ready') {
    s.available = true;
    return { stop: () => {} };
  }
  ctx.log.warn(
    `${s.opts.name}: no answer from Ollama at ${s.host}; findings pass through unjudged, retrying every ${s.opts.probeIntervalMs} ms`,
    { error: String(first.error) },
  );
  let handle: TimerHandle | undefined;
  const again = (): void => {
    handle = undefined;
    void probe(s).then((r) => {
      if (s.stopping.signal.aborted) return;
      if (r.kind === 'ready') {
        s.available = true;
        ctx.log.info(`${s.opts.name}: Ollama at ${s.host} answers with ${s.opts.model}; judging findings`);
        return;
      }
      if (r.kind === 'missing') ctx.log.error(`${s.opts.name}: ${missingMessage(s, r.names)}`);
      handle = s.clock.setTimeout(again, s.opts.probeIntervalMs);
    });
  };
  handle = s.clock.setTimeout(again, s.opts.probeIntervalMs);
  return {
    stop: () => {
      if (handle !== undefined) s.clock.clearTimeout(handle);
    },
  };
}
