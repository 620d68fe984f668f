// `GET /api/promql/selectors?expr=`: the series selectors of a PromQL expression as @argus/promql's parser reads
// them, in the order written. The analysis page draws a backtest's firing over the first one; a guess from the
// text alone misses the metric of `rate(x[5m]) > 1` or `sum by (job) (x) > 1`.
import { type Expr, parseExpr, type VectorSelector } from '@argus/promql';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { badRequest } from '../matchers.js';

const matcher = z.object({ name: z.string(), op: z.enum(['=', '!=', '=~', '!~']), value: z.string() });
const selector = z.object({
  name: z.string().optional().describe('the metric name, when the selector gives one'),
  matchers: z.array(matcher).describe('the label matchers, `__name__` excluded when `name` is given'),
});

/** The vector selectors of `e`, depth first from the left (a range or subquery's inner ones included). */
export function exprSelectors(e: Expr): VectorSelector[] {
  switch (e.type) {
    case 'vector':
      return [e];
    case 'matrix':
      return [e.vector];
    case 'subquery':
    case 'paren':
    case 'unary':
      return exprSelectors(e.expr);
    case 'call':
      return e.args.flatMap(exprSelectors);
    case 'aggregate':
      return [...(e.param ? exprSelectors(e.param) : []), ...exprSelectors(e.expr)];
    case 'binary':
      return [...exprSelectors(e.lhs), ...exprSelectors(e.rhs)];
    default:
      return [];
  }
}

/** Registers `GET /api/promql/selectors` (any reader: it reads nothing of the server's data). */
export function promqlSelectorRoutes(app: FastifyInstance): void {
  app.withTypeProvider<ZodTypeProvider>().get('/api/promql/selectors', {
    config: { access: 'read' },
    schema: {
      tags: ['series'],
      summary: 'The series selectors of a PromQL expression, in the order written',
      querystring: z.object({ expr: z.string().min(1).describe('a PromQL expression') }).strict(),
      response: { 200: z.object({ selectors: z.array(selector) }) },
    },
    handler: async (req) => {
      let tree: Expr;
      try {
        tree = parseExpr(req.query.expr);
      } catch (err) {
        throw badRequest('expr', (err as Error).message);
      }
      return {
        selectors: exprSelectors(tree).map((v) => ({
          ...(v.name === undefined ? {} : { name: v.name }),
          matchers: v.matchers
            .filter((m) => !(v.name !== undefined && m.name === '__name__'))
            .map((m) => ({ name: m.name, op: m.op, value: m.value })),
        })),
      };
    },
  });
}
