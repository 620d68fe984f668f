import type { SilenceInput } from '@argus/alerting';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { clientOf } from './auth/hook.js';
import type { ServerContext } from './context.js';
import { badRequest } from './matchers.js';

/** Creates or updates a silence for both APIs: an `id` must name an existing silence; the change is audited. */
export function saveSilence(ctx: ServerContext, req: FastifyRequest, input: SilenceInput): string {
  if (input.id !== undefined && !ctx.am.silences().some((s) => s.id === input.id))
    throw badRequest('body.id', `silence not found: ${input.id}; leave id out to create one`);
  const id = ctx.am.silence(input);
  ctx.audit.add({
    actor: req.principal!.name,
    action: 'silence',
    from: clientOf(req),
    target: id,
    detail: input.comment,
  });
  return id;
}

/** Expires a silence for both APIs (audited); `false` after answering 404 when there is none. */
export function expireSilence(
  ctx: ServerContext,
  req: FastifyRequest,
  reply: FastifyReply,
  id: string,
): boolean {
  if (!ctx.am.silences().some((x) => x.id === id)) {
    void reply.code(404).send({ error: 'not_found', message: `silence not found: ${id}` });
    return false;
  }
  ctx.am.expireSilence(id);
  ctx.audit.add({ actor: req.principal!.name, action: 'expireSilence', from: clientOf(req), target: id });
  return true;
}
