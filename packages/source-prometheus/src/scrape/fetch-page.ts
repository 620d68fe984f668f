import { type HttpResponse, httpRequest } from '@argus/core';
import { type ExpositionFormat, formatOf } from '../parse.js';

/** What Prometheus 2.42 sends: OpenMetrics preferred, text 0.0.4 as the fallback. */
export const SCRAPE_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

/** A scrape that failed before parsing; `message` is meant for humans and never holds credentials. */
export class ScrapeFetchError extends Error {
  override readonly name = 'ScrapeFetchError';
}

/** A fetched page, decoded. */
export interface FetchedPage {
  readonly body: string;
  readonly format: ExpositionFormat;
  readonly bytes: number;
}

/** Options of {@link fetchPage}. */
export interface FetchPageOptions {
  readonly timeoutMs: number;
  /** Most bytes (after decompression) to read; 0 for no limit. */
  readonly maxBytes: number;
  readonly signal: AbortSignal;
  readonly headers?: Readonly<Record<string, string>>;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * GETs one metrics page with content negotiation, a timeout, a size limit and strict UTF-8 decoding.
 * Throws {@link ScrapeFetchError} with a message that says what went wrong (down, slow, HTML, too big, …).
 */
export async function fetchPage(url: string, o: FetchPageOptions): Promise<FetchedPage> {
  const timeout = AbortSignal.timeout(o.timeoutMs);
  let res: HttpResponse;
  try {
    // node:http, not the global fetch: after one fetch every later await in the process costs more (Node 20)
    res = await httpRequest(url, {
      headers: {
        accept: SCRAPE_ACCEPT,
        'x-prometheus-scrape-timeout-seconds': String(o.timeoutMs / 1000),
        ...o.headers,
      },
      signal: AbortSignal.any([o.signal, timeout]),
      acceptCompressed: true,
    });
  } catch (err) {
    throw new ScrapeFetchError(failure(err, timeout, o.timeoutMs));
  }
  const type = header(res, 'content-type');
  if (res.status !== 200) {
    res.discard();
    throw new ScrapeFetchError(`HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
  }
  if (type && /^\s*text\/html/i.test(type)) {
    res.discard();
    throw new ScrapeFetchError(`the target served ${type.split(';')[0]}, not a metrics page (wrong path?)`);
  }
  const bytes = await readBody(res, o, timeout);
  return { body: decode(bytes), format: formatOf(type), bytes: bytes.length };
}

function header(res: HttpResponse, name: string): string | null {
  const v = res.headers[name];
  return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
}

async function readBody(res: HttpResponse, o: FetchPageOptions, timeout: AbortSignal): Promise<Uint8Array> {
  const declared = Number(header(res, 'content-length') ?? Number.NaN);
  if (o.maxBytes > 0 && declared > o.maxBytes) {
    res.discard();
    throw new ScrapeFetchError(`body of ${declared} bytes exceeds bodySizeLimitBytes (${o.maxBytes})`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    // leaving the loop early (too big) destroys the stream and with it the connection
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (o.maxBytes > 0 && size > o.maxBytes) {
        throw new ScrapeFetchError(`body exceeds bodySizeLimitBytes (${o.maxBytes}) after ${size} bytes`);
      }
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof ScrapeFetchError) throw err;
    throw new ScrapeFetchError(`reading the body: ${failure(err, timeout, o.timeoutMs)}`);
  }
  return Buffer.concat(chunks, size);
}

function decode(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    let line = 1;
    for (let i = 0; i < at; i++) if (bytes[i] === 10) line++;
    throw new ScrapeFetchError(`body is not valid UTF-8 (byte ${at}, line ${line})`);
  }
}

/** Index of the first byte that does not start or continue a valid UTF-8 sequence. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    const n =
      c < 0x80 ? 0 : c >= 0xc2 && c < 0xe0 ? 1 : c >= 0xe0 && c < 0xf0 ? 2 : c >= 0xf0 && c < 0xf5 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) {
      if (i + k >= b.length || (b[i + k]! & 0xc0) !== 0x80) return i;
    }
    i += n + 1;
  }
  return i;
}

function failure(err: unknown, timeout: AbortSignal, timeoutMs: number): string {
  if (timeout.aborted) return `timed out after ${timeoutMs} ms`;
  const e = err as { name?: string; message?: string; code?: string };
  if (e?.name === 'AbortError') return 'aborted';
  // node:http's word for a body cut short by the peer
  if (e?.code === 'ECONNRESET' && e.message === 'aborted')
    return 'the connection closed before the body ended (ECONNRESET)';
  // Node's message names the code for a refused connection ("connect ECONNREFUSED …") but not for a reset
  const code = e?.code && !e.message?.includes(e.code) ? ` (${e.code})` : '';
  return `${e?.message ?? String(err)}${code}`;
}
