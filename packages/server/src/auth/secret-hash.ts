import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** SHA-256 hex: enough for high-entropy random tokens (not for passwords, which get {@link hashPassword}). */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A random URL-safe secret of `bytes` bytes. */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Compares two strings in constant time (for their length). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** scrypt parameters, stored with each hash so they can be raised later without breaking old hashes. */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** OWASP's scrypt minimum is N=2^17 with r=8; 2^15 keeps a login near 100-200 ms on a small machine. */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };

/** A stored password hash. */
export interface PasswordHash extends ScryptParams {
  salt: string;
  hash: string;
}

function derive(password: string, salt: string, p: ScryptParams): Promise<Buffer> {
  return new Promise((ok, fail) =>
    scrypt(
      password,
      Buffer.from(salt, 'base64url'),
      64,
      // scrypt needs 128·N·r bytes; Node's default cap (32 MiB) is exactly N=2^15, r=8 and refuses it
      { N: p.N, r: p.r, p: p.p, maxmem: 256 * p.N * p.r },
      (err, key) => (err ? fail(err) : ok(key)),
    ),
  );
}

/** Hashes a password with scrypt and a random salt. */
export async function hashPassword(
  password: string,
  p: ScryptParams = DEFAULT_SCRYPT,
): Promise<PasswordHash> {
  const salt = randomSecret(16);
  const key = await derive(password, salt, p);
  return { ...p, salt, hash: key.toString('base64url') };
}

/** Whether `password` matches `stored`, in constant time. */
export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const key = await derive(password, stored.salt, stored);
  const want = Buffer.from(stored.hash, 'base64url');
  return key.length === want.length && timingSafeEqual(key, want);
}
