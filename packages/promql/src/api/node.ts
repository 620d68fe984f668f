// The API handler on node:http: `http.createServer(nodeHandler(api))`. Reads the body (forms up to 10 MiB, as
// Go's ParseForm), cancels the query when the client goes away.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PromApi } from './handler.js';

const MAX_BODY = 10 * 1024 * 1024;

/**
 * Adapts a {@link PromApi} to node:http's `(req, res)`.
 * @example
 * http.createServer(nodeHandler(createPromApi({ engine, queryable }))).listen(9090, '127.0.0.1');
 */
export function nodeHandler(api: PromApi): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
      if (size > MAX_BODY) {
        const error = 'error parsing form values: request body too large';
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'error', errorType: 'bad_data', error }));
        return;
      }
      void api
        .handle({
          method: req.method ?? 'GET',
          path: req.url ?? '/',
          body: Buffer.concat(chunks).toString('utf8'),
          contentType: req.headers['content-type'] ?? '',
          signal: gone.signal,
        })
        .then(
          (r) => {
            res.writeHead(r.status, r.headers).end(r.body);
          },
          (err: unknown) => {
            res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err));
          },
        );
    });
  };
}
