// What the two push receivers (remote-write, OTLP/HTTP) share on the request side: a rejection that carries its
// HTTP status, bearer-token checks and a size-capped body reader.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A request refused with an HTTP status and a message that says what is wrong. */
export class Rejection extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest();

/** The digest `authorize` compares with; throws a TypeError naming `fn` for an empty or non-string token. */
export function tokenDigest(token: string | undefined, fn: string): Buffer | undefined {
  if (token === undefined) return undefined;
  if (typeof token !== 'string' || token.length === 0) {
    throw new TypeError(`${fn}: token must be a non-empty string (or left out for no auth)`);
  }
  return sha256(token);
}

/** Checks `Authorization: Bearer …` against `expected`; `hint` says where the sender sets its token. */
export function authorize(req: IncomingMessage, expected: Buffer | undefined, hint: string): void {
  if (!expected) return;
  const m = /^Bearer (.+)$/i.exec(String(req.headers.authorization ?? ''));
  if (!m) throw new Rejection(401, `missing Authorization: Bearer <token> (${hint})`);
  // digests of equal length, so the comparison's time says nothing about the token
  if (!timingSafeEqual(sha256(m[1]!), expected)) throw new Rejection(403, 'wrong bearer token');
}

/** Reads the body, refusing (413) more than `max` bytes without buffering them. */
export function collect(req: IncomingMessage, max: number): Promise<Uint8Array> {
  const tooBig = (): Rejection => new Rejection(413, `body over maxBodyBytes (${max} bytes)`);
  if (Number(req.headers['content-length']) > max) return Promise.reject(tooBig());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer): void => {
      total += chunk.length;
      if (total <= max) return void chunks.push(chunk);
      req.off('data', onData);
      req.resume(); // drain the rest so the 413 can be written
      reject(tooBig());
    };
    req.on('data', onData);
    req.once('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    req.once('error', reject);
  });
}
