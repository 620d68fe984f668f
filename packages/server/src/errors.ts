import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { BadRequest } from './matchers.js';
import type { Redactor } from './redact.js';

interface Issue {
  instancePath?: string;
  message?: string;
  params?: { issue?: { path?: PropertyKey[]; message?: string } };
}

/** `body.matchers[0].name`: the field a validation issue is about. */
function fieldOf(context: string | undefined, issue: Issue): string {
  const path = issue.params?.issue?.path ?? issue.instancePath?.split('/').filter(Boolean) ?? [];
  let out = context ?? 'body';
  for (const k of path)
    out += typeof k === 'number' || /^\d+$/.test(String(k)) ? `[${String(k)}]` : `.${String(k)}`;
  return out;
}

/**
 * Every error leaves as `{ error, message, field? }` with a 4xx for the client's mistakes (the message names the
 * field) and a 500 without details otherwise; messages pass the redactor, so no secret leaves in an error.
 */
export function installErrorHandler(app: FastifyInstance, redact: Redactor): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation as unknown as Issue[];
      const fields = issues.map((i) => `${fieldOf(err.validationContext, i)}: ${i.message ?? 'invalid'}`);
      return reply.code(400).send({
        error: 'bad_request',
        field: fieldOf(err.validationContext, issues[0]!),
        message: redact.text(fields.join('; ')),
      });
    }
    if (err instanceof BadRequest)
      return reply
        .code(400)
        .send({ error: 'bad_request', field: err.field, message: redact.text(err.message) });
    if ((err as { code?: string }).code === 'ERR_INVALID_ARGUMENT') {
      const m = /^[^:]*?\(\): ([\w.[\]]+): /.exec(err.message);
      return reply.code(400).send({
        error: 'bad_request',
        ...(m ? { field: `body.${m[1]}` } : {}),
        message: redact.text(err.message),
      });
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500)
      return reply.code(status).send({ error: err.code ?? 'bad_request', message: redact.text(err.message) });
    req.log.error({ msg: redact.text(err.message) });
    return reply.code(500).send({ error: 'internal', message: 'internal error; see the server log' });
  });
}
