import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AlertEventBatch, Logger } from '@argus/core';
import { formatPath } from '@argus/core';
import { type CommonAlert, commonAlertSchema, toAlertEvents } from './alert-schema.js';

/** Options of {@link createAzureAlertHandler}. */
export interface AzureAlertHandlerOptions {
  /** Shared secret the action group's webhook URL carries as `?token=…` (at least 16 characters). */
  token: string;
  /** Largest accepted body, bytes; larger requests get 413. @default 262144 */
  maxBodyBytes?: number;
  /** `origin` of the alert events. @default 'azure-monitor' */
  origin?: string;
  /** Hands the events to the pipeline (a push source's `emit`); `false` means it no longer accepts data (503). */
  emit(batch: AlertEventBatch): Promise<boolean>;
  /** Where rejected requests are reported (never with the token). */
  log?: Logger;
  /** Clock for a Resolved without resolvedDateTime. @default Date.now */
  now?: () => number;
}

/** A `node:http` request handler: mount it on any server, at any path. */
export type AzureAlertHandler = (req: IncomingMessage, res: ServerResponse) => void;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

function checkToken(req: IncomingMessage, expected: Buffer): void {
  const url = new URL(req.url ?? '/', 'http://x');
  const given = url.searchParams.get('token');
  if (given === null) throw new HttpError(401, 'missing ?token= in the webhook URL');
  // compare digests so the comparison takes the same time whatever the length of what was sent
  if (!timingSafeEqual(digest(given), expected)) throw new HttpError(403, 'wrong token');
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max)
    return Promise.reject(new HttpError(413, `body over ${max} bytes`));
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        reject(new HttpError(413, `body over ${max} bytes`));
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      parts.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

function parse(body: Buffer): CommonAlert {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'body is not JSON');
  }
  const r = commonAlertSchema.safeParse(json);
  if (r.success) return r.data;
  const issues = r.error.issues
    .slice(0, 5)
    .map((i) => `${formatPath(i.path as PropertyKey[])}: ${i.message}`);
  const hint = r.error.issues.some((i) => i.path[0] === 'schemaId')
    ? ' (enable "Use common alert schema" on the action group webhook)'
    : '';
  throw new HttpError(400, `not a Common Alert Schema payload${hint}: ${issues.join('; ')}`);
}

function reply(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function handle(o: AzureAlertHandlerOptions, expected: Buffer, req: IncomingMessage): Promise<number> {
  if (req.method !== 'POST') throw new HttpError(405, 'only POST');
  checkToken(req, expected);
  const type = String(req.headers['content-type'] ?? '');
  if (!/^application\/json\b/i.test(type)) throw new HttpError(415, 'content-type must be application/json');
  const alert = parse(await readBody(req, o.maxBodyBytes ?? 262_144));
  const events = toAlertEvents(alert, o.origin ?? 'azure-monitor', (o.now ?? Date.now)());
  if (!(await o.emit({ kind: 'alertEvents', events })))
    throw new HttpError(503, 'not accepting alerts (shutting down)');
  return events.length;
}

/**
 * The Azure Monitor action-group webhook receiver as a plain `node:http` handler: checks `?token=`, method,
 * content type, body size and the Common Alert Schema, answers 4xx with a JSON `{error}` saying what is wrong,
 * and 202 once the pipeline has taken the alert events.
 * @example
 * const handler = createAzureAlertHandler({ token: process.env.ARGUS_AZURE_TOKEN!, emit });
 * http.createServer((req, res) => (req.url?.startsWith('/azure') ? handler(req, res) : next(req, res)));
 */
export function createAzureAlertHandler(o: AzureAlertHandlerOptions): AzureAlertHandler {
  if (typeof o.token !== 'string' || o.token.length < 16) {
    throw new TypeError('createAzureAlertHandler: token must be a string of at least 16 characters');
  }
  const expected = digest(o.token);
  return (req, res) => {
    handle(o, expected, req).then(
      (events) => reply(res, 202, { accepted: events }),
      (err: unknown) => {
        const status = err instanceof HttpError ? err.status : 500;
        const message = err instanceof Error ? err.message : String(err);
        o.log?.warn(`azure alert webhook: ${status} ${message}`, { remote: req.socket.remoteAddress });
        if (status === 413) res.setHeader('connection', 'close');
        reply(res, status, { error: message });
      },
    );
  };
}
