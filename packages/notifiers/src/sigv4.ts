// AWS Signature Version 4 for one request (the signing steps of AWS's "Create a signed AWS API request"), so
// the SNS notifier needs no AWS SDK. Only what SNS's query API needs: no chunked payloads, no presigned URLs.
import { createHash, createHmac } from 'node:crypto';

/** Static AWS credentials. */
export interface AwsCredentials {
  readonly accessKey: string;
  readonly secretKey: string;
  readonly sessionToken?: string;
}

/** A request to sign. Header names are given lowercase. */
export interface SigV4Request {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly region: string;
  readonly service: string;
  /** The signing time (the `x-amz-date`). */
  readonly at: Date;
}

const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');
const hmac = (key: Buffer | string, s: string): Buffer =>
  createHmac('sha256', key).update(s, 'utf8').digest();

/** RFC 3986 encoding as SigV4 wants it: everything but `A-Za-z0-9-_.~` percent-encoded. */
const uriEncode = (s: string): string =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function canonicalQuery(search: URLSearchParams): string {
  return [...search]
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/** `20150830T123600Z`. */
export function amzDate(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/**
 * The headers to add to `req` so AWS accepts it: `x-amz-date`, `authorization` (and `x-amz-security-token` with a
 * session token). Signs `host`, every header given and the added ones.
 */
export function signV4(req: SigV4Request, creds: AwsCredentials): Record<string, string> {
  const u = new URL(req.url);
  const date = amzDate(req.at);
  const added: Record<string, string> = { 'x-amz-date': date };
  if (creds.sessionToken) added['x-amz-security-token'] = creds.sessionToken;
  const headers: Record<string, string> = { host: u.host, ...req.headers, ...added };
  const names = Object.keys(headers)
    .map((h) => h.toLowerCase())
    .sort();
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const signed = names.join(';');
  const canonical = [
    req.method,
    u.pathname === '' ? '/' : u.pathname,
    canonicalQuery(u.searchParams),
    names.map((h) => `${h}:${String(lower[h]).trim().replace(/\s+/g, ' ')}\n`).join(''),
    signed,
    sha256(req.body),
  ].join('\n');
  const scope = `${date.slice(0, 8)}/${req.region}/${req.service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', date, scope, sha256(canonical)].join('\n');
  let key: Buffer = hmac(`AWS4${creds.secretKey}`, date.slice(0, 8));
  for (const part of [req.region, req.service, 'aws4_request']) key = hmac(key, part);
  const signature = createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
  return {
    ...added,
    authorization: `AWS4-HMAC-SHA256 Credential=${creds.accessKey}/${scope}, SignedHeaders=${signed}, Signature=${signature}`,
  };
}
