import { ruleGroups } from '@argus/alerting';
import { type LabelMatcher, parseMatchers, sleep } from '@argus/core';
import { memoryQueryable } from '@argus/promql';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { clientOf } from '../auth/hook.js';
import type { ServerContext } from '../context.js';
import { toBatchSpec } from '../jobs/batch-spec.js';
import { JobManager, JobsFull } from '../jobs/manager.js';
import type { JobSpec } from '../jobs/messages.js';
import { jobsOptionsSchema } from '../jobs/options.js';
import { type BacktestSpec, type JobBody, jobBodySchema, toSpec } from '../jobs/spec.js';
import { badRequest } from '../matchers.js';

const tags = ['analysis'];
const idParams = z.object({ id: z.uuid('must be a job id (a UUID)') });

function matchersOf(text: string | undefined): LabelMatcher[] {
  if (text === undefined) return [];
  try {
    return parseMatchers(text);
  } catch (err) {
    throw badRequest('body.match', (err as Error).message);
  }
}

const NOWHERE = { append: () => true };

/** A rule file that does not load is the client's mistake: a 400 now, not a failed job later. */
function checkRules(spec: BacktestSpec): void {
  try {
    // recording rules need somewhere to write: a sink that keeps nothing, as nothing is evaluated here
    ruleGroups({
      files: [{ file: 'request', text: spec.rules }],
      queryable: memoryQueryable([]),
      appender: NOWHERE,
    });
  } catch (err) {
    throw badRequest(spec.source, (err as Error).message);
  }
}

/** The body as a job spec; a 400 naming the field when it cannot run (rules that do not load, bad options). */
function specOf(ctx: ServerContext, body: JobBody): JobSpec {
  const spec = body.type === 'batch' ? toBatchSpec(body, ctx.o.config) : toSpec(body);
  if ('field' in spec) throw badRequest(spec.field, spec.message);
  if (spec.type === 'backtest') checkRules(spec);
  return spec;
}

const range = (spec: JobSpec): string =>
  `${spec.type} ${new Date(spec.from).toISOString()} … ${new Date(spec.to).toISOString()}`;

/** Resolves after `ms`, or as soon as `until` does; the timer is cleared either way. */
async function waitAtMost(ctx: ServerContext, ms: number, until: Promise<void>): Promise<void> {
  const stop = new AbortController();
  const timer = sleep(ctx.clock, ms, stop.signal).catch(() => undefined);
  await Promise.race([timer, until]);
  stop.abort();
}

/**
 * Historical analysis jobs: start a rule backtest or a batch run of detectors over a range of the store's
 * history (`POST`), follow its
 * progress and read its result (`GET`), cancel it (`DELETE`). Each job runs in a worker thread of its own.
 */
export function analysisRoutes(app: FastifyInstance, ctx: ServerContext): JobManager {
  const options = jobsOptionsSchema.parse(ctx.o.jobs ?? {});
  const jobs = new JobManager({
    store: () => ctx.o.store,
    clock: ctx.clock,
    log: ctx.log,
    options,
    // every change of a job (phase, worker, progress by the percent, its end) is a live `job` event; the result
    // stays behind GET /api/analysis/jobs/{id}, which the `read` permission of /api/events also grants
    onChange: (job) => {
      ctx.hub.publish('job', job);
      ctx.metrics.job(job);
    },
  });
  app.addHook('onClose', () => jobs.close());
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post('/api/analysis/jobs', {
    config: { access: 'operate' },
    schema: {
      tags,
      summary:
        'Start a rule backtest or a batch run of detectors over a range of the stored history (in a worker thread)',
      body: jobBodySchema,
    },
    handler: async (req, reply) => {
      const spec = specOf(ctx, req.body);
      const matchers = matchersOf(req.body.match);
      const store = ctx.o.store;
      if (!store)
        return reply.code(404).send({
          error: 'no_store',
          message: 'this server has no store to analyse: pass `store` to createArgusServer',
        });
      try {
        const job = jobs.start(spec, matchers, req.principal!.name, store);
        ctx.audit.add({
          actor: req.principal!.name,
          action: 'analysisStart',
          from: clientOf(req),
          target: job.id,
          detail: range(spec),
        });
        return reply.code(202).header('location', `/api/analysis/jobs/${job.id}`).send(job);
      } catch (err) {
        if (!(err instanceof JobsFull)) throw err;
        return reply.code(429).header('retry-after', '10').send({ error: 'jobs_full', message: err.message });
      }
    },
  });
  r.get('/api/analysis/jobs', {
    config: { access: 'read' },
    schema: { tags, summary: 'Analysis jobs kept (running and finished), newest first, without results' },
    handler: async () => jobs.list(),
  });
  r.get('/api/analysis/jobs/:id', {
    config: { access: 'read' },
    schema: {
      tags,
      summary: 'One job: state, progress, and its result once it has succeeded',
      params: idParams,
      querystring: z
        .object({
          waitMs: z.coerce
            .number()
            .int()
            .min(0)
            .max(60_000)
            .default(0)
            .describe('Answer as soon as the job ends, or after this long (a long poll)'),
        })
        .strict(),
    },
    handler: async (req, reply) => {
      if (req.query.waitMs > 0) await waitAtMost(ctx, req.query.waitMs, jobs.ended(req.params.id));
      const job = jobs.get(req.params.id);
      if (!job) return reply.code(404).send({ error: 'not_found', message: `no job ${req.params.id}` });
      return job;
    },
  });
  r.delete('/api/analysis/jobs/:id', {
    config: { access: 'operate' },
    schema: {
      tags,
      summary: 'Cancel a running job (its worker thread is stopped), or forget a finished one',
      params: idParams,
    },
    handler: async (req, reply) => {
      const job = await jobs.cancel(req.params.id);
      if (!job) return reply.code(404).send({ error: 'not_found', message: `no job ${req.params.id}` });
      ctx.audit.add({
        actor: req.principal!.name,
        action: job.state === 'cancelled' ? 'analysisCancel' : 'analysisForget',
        from: clientOf(req),
        target: job.id,
      });
      return job;
    },
  });
  return jobs;
}
