import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

/** One request a local receiver got. */
export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** What the local receiver answers next: status, headers, body. */
export type Answer = [number, Record<string, string>, string];

/** A local HTTP receiver on 127.0.0.1 that records requests and answers from a queue (default `ok`). */
export interface LocalReceiver {
  url: string;
  got: Received[];
  answers: Answer[];
  /** Answer when the queue is empty. */
  fallback: Answer;
  close(): Promise<void>;
}

/** Starts a {@link LocalReceiver} on a free loopback port; `close()` stops it. */
export async function localReceiver(
  fallback: Answer = [200, { 'content-type': 'text/plain' }, 'ok'],
): Promise<LocalReceiver> {
  const r = { got: [] as Received[], answers: [] as Answer[], fallback } as LocalReceiver;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      let parsed: unknown = body;
      try {
        parsed = JSON.parse(body);
      } catch {}
      r.got.push({ path: req.url ?? '', headers: req.headers, body: parsed });
      const [status, headers, text] = r.answers.shift() ?? r.fallback;
      res.writeHead(status, headers).end(text);
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  r.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  r.close = () => new Promise((ok) => server.close(() => ok()));
  return r;
}
