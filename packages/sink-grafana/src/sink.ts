import {
  defineSink,
  type Factory,
  type Health,
  type PluginContext,
  type Sink,
  type SinkBatch,
  type WriteResult,
} from '@argus/core';
import type { z } from 'zod';
import { type AnnotationIntent, alertIntent, findingIntent } from './annotations.js';
import { type GrafanaClient, type GrafanaFailure, grafanaClient } from './client.js';
import { type Applied, applyIntent, pruneLedger } from './ledger.js';
import { type GrafanaSinkOptions, grafanaSinkSchema, type ParsedGrafanaSinkOptions } from './schema.js';

function intentsOf(batch: SinkBatch, o: ParsedGrafanaSinkOptions, ctx: PluginContext): AnnotationIntent[] {
  const out: AnnotationIntent[] = [];
  if (batch.kind === 'alerts') {
    for (const a of batch.alerts) {
      const i = alertIntent(a, o);
      if (i) out.push(i);
    }
  } else if (batch.kind === 'findings') {
    for (const f of batch.findings) {
      const i = findingIntent(f, ctx.series.labels(f.series), ctx.series.fingerprint(f.series), o);
      if (i) out.push(i);
    }
  }
  return out;
}

/** Intents grouped by key in arrival order: one key's changes apply in order, different keys in parallel. */
function byKey(intents: AnnotationIntent[]): AnnotationIntent[][] {
  const groups = new Map<string, AnnotationIntent[]>();
  for (const i of intents) {
    const g = groups.get(i.key);
    if (g) g.push(i);
    else groups.set(i.key, [i]);
  }
  return [...groups.values()];
}

async function pool<T>(items: T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await run(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

async function writeIntents(
  intents: AnnotationIntent[],
  o: ParsedGrafanaSinkOptions,
  client: GrafanaClient,
  ctx: PluginContext,
): Promise<WriteResult> {
  const failures: GrafanaFailure[] = [];
  const target = { dashboardUid: o.dashboardUid, panelId: o.panelId };
  await pool(byKey(intents), o.concurrency, async (group) => {
    for (const intent of group) {
      const r: Applied | GrafanaFailure = await applyIntent(intent, {
        client,
        state: ctx.state,
        signal: ctx.signal,
        target,
        now: ctx.clock.now(),
      });
      if (typeof r === 'object') {
        failures.push(r);
        return;
      }
      ctx.metrics.count(`annotations_${r}`);
    }
  });
  if (failures.length === 0) return { ok: true };
  // a non-retryable failure (401, 403, 400) will not heal by itself: report it rather than retry forever
  const fatal = failures.find((f) => !f.retryable);
  const first = fatal ?? failures[0]!;
  const more = failures.length > 1 ? ` (and ${failures.length - 1} more)` : '';
  return { ok: false, retryable: !fatal, error: new Error(`${first.error.message}${more}`) };
}

async function health(o: ParsedGrafanaSinkOptions, ctx: PluginContext): Promise<Health> {
  const client = grafanaClient({ ...o, maxRetries: 0, clock: ctx.clock });
  const h = await client.call<{ database?: string; version?: string }>(
    { method: 'GET', path: '/api/health', anonymous: true },
    ctx.signal,
  );
  if (!h.ok) return { status: 'down', message: h.error.message };
  // the health endpoint needs no token: check the token on an endpoint the sink writes to
  const auth = await client.call({ method: 'GET', path: '/api/annotations?limit=1' }, ctx.signal);
  if (!auth.ok) return { status: 'down', message: auth.error.message };
  if (o.datasourceUid) {
    const ds = await client.call(
      { method: 'GET', path: `/api/datasources/uid/${encodeURIComponent(o.datasourceUid)}` },
      ctx.signal,
    );
    if (!ds.ok && ds.status === 404) {
      return {
        status: 'down',
        message: `grafana: data source "${o.datasourceUid}" does not exist in Grafana at ${client.where}: provision it (see docs/grafana.md) or fix \`datasourceUid\``,
      };
    }
    if (!ds.ok) return { status: 'down', message: ds.error.message };
  }
  return { status: 'ok', message: `Grafana ${h.body?.version ?? '(version hidden)'} at ${client.where}` };
}

/**
 * Writes alerts (a region from firing to resolved) and anomalies (points) to Grafana as annotations through its
 * HTTP API. Annotation ids live in the pipeline's state store, and each annotation carries a key tag, so a
 * restart — even after `kill -9` between Grafana's answer and the save — never creates a duplicate.
 * @example
 * createPipeline({ sources, sinks: [grafanaSink({ url: 'http://grafana:3000', token: process.env.GRAFANA_TOKEN! })] });
 */
export const grafanaSink: Factory<z.ZodType<ParsedGrafanaSinkOptions, GrafanaSinkOptions>, Sink> = defineSink(
  {
    name: 'grafana',
    options: grafanaSinkSchema,
    create(o) {
      let stopped = false;
      return {
        name: o.name,
        accepts: ['alerts', 'findings'],
        async start(ctx): Promise<void> {
          // housekeeping only: a failure here must not keep the pipeline from starting
          try {
            const removed = await pruneLedger(ctx.state, ctx.clock.now() - o.retentionMs);
            if (removed > 0) ctx.log.debug(`${o.name}: forgot ${removed} old annotation entries`);
          } catch (err) {
            ctx.log.warn(`${o.name}: could not prune old annotation entries: ${(err as Error).message}`);
          }
        },
        async write(batch, ctx): Promise<WriteResult> {
          if (stopped) return { ok: false, retryable: false, error: new Error(`${o.name}: stopped`) };
          const intents = intentsOf(batch, o, ctx);
          if (intents.length === 0) return { ok: true };
          return writeIntents(intents, o, grafanaClient({ ...o, clock: ctx.clock }), ctx);
        },
        stop() {
          stopped = true;
        },
        healthcheck: (ctx) => health(o, ctx),
      };
    },
  },
);
