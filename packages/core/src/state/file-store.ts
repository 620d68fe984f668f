import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ArgusError } from '../errors.js';
import type { Logger } from '../logger.js';
import { checkKey, memoryStateStore, type StateStore } from './store.js';

/** Options for {@link fileStateStore}. */
export interface FileStateStoreOptions {
  /** Directory holding the state. @default '.argus/state' under the working directory */
  dir?: string;
  /** fsync each write and its directory (crash-safe against power loss, slower). @default true */
  fsync?: boolean;
}

/**
 * A crash-safe state store in a directory, without native dependencies. Each key is one file written
 * with write-temp, fsync, rename: after `kill -9` a key holds its old or its new value. Each file carries
 * a SHA-256 of its content, so a torn or edited file is detected and reported, not silently read.
 */
export function fileStateStore(options: FileStateStoreOptions = {}): StateStore {
  const dir = resolve(options.dir ?? join('.argus', 'state'));
  const doSync = options.fsync ?? true;
  let ready: Promise<void> | undefined;
  const ensureDir = (): Promise<void> => {
    ready ??= mkdir(dir, { recursive: true }).then(() => undefined);
    return ready;
  };
  let seq = 0;
  const putText = async (key: string, chunks: readonly string[]): Promise<void> => {
    checkKey(key);
    await ensureDir();
    const tmp = join(dir, `.tmp-${process.pid}-${++seq}`);
    const fh = await open(tmp, 'w');
    try {
      // the value chunk by chunk after room for the header, hashed on the way: no step joins the whole text
      const sum = createHash('sha256');
      let at = Buffer.byteLength(header(key, '0'.repeat(64)));
      for (const chunk of chunks) {
        sum.update(chunk);
        at += (await fh.write(chunk, at, 'utf8')).bytesWritten;
      }
      await fh.write(header(key, sum.digest('hex')), 0, 'utf8');
      if (doSync) await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, join(dir, fileName(key)));
    if (doSync) await syncDir(dir);
  };

  return {
    location: dir,
    async get<T>(key: string) {
      checkKey(key);
      let raw: string;
      try {
        raw = await readFile(join(dir, fileName(key)), 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
      return decode(raw, key, dir) as T;
    },
    async put(key, value) {
      return putText(key, [JSON.stringify(value === undefined ? null : value)]);
    },
    putJsonChunks: (key, chunks) => putText(key, chunks),
    async delete(key) {
      checkKey(key);
      await rm(join(dir, fileName(key)), { force: true });
    },
    async list(prefix = '') {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw err;
      }
      const keys: string[] = [];
      for (const n of names) {
        if (!n.endsWith('.json')) continue;
        const key = n.startsWith(HASHED)
          ? await keyInHeader(join(dir, n))
          : decodeURIComponent(n.slice(0, -5));
        if (key?.startsWith(prefix)) keys.push(key);
      }
      return keys.sort();
    },
  };
}

/**
 * The version of the state file format this release writes and the newest it reads. Format 1 (every release so
 * far): a JSON header line `{v, key, sha256}`, then the value as JSON.
 */
export const STATE_FILE_FORMAT = 1;

// encodeURIComponent keeps keys readable on disk and reversible for list(); '.' and '*' are escaped too,
// so no key can become '..' or a hidden temp file.
function fileName(key: string): string {
  const readable = encodeURIComponent(key).replace(/\./g, '%2E').replace(/\*/g, '%2A');
  // file names end at 255 bytes, keys at 400 characters (up to 12 bytes each once encoded): a long key gets a
  // name from its hash, and list() reads such a key from the file's header
  if (readable.length <= MAX_READABLE) return `${readable}.json`;
  return `${HASHED}${createHash('sha256').update(key).digest('hex')}.json`;
}

// encodeURIComponent turns every '#' into %23, so no readable name can start with it
const HASHED = '#';
const MAX_READABLE = 200;

async function keyInHeader(file: string): Promise<string | undefined> {
  try {
    const raw = await readFile(file, 'utf8');
    const header = JSON.parse(raw.slice(0, raw.indexOf('\n'))) as { key?: unknown };
    return typeof header.key === 'string' ? header.key : undefined;
  } catch {
    // removed meanwhile, or unreadable: get() reports a corrupt file when it is asked for
    return undefined;
  }
}

/** A state file's first line; its length depends on the key only (the SHA-256 is 64 hex digits). */
function header(key: string, sha256: string): string {
  return `${JSON.stringify({ v: STATE_FILE_FORMAT, key, sha256 })}\n`;
}

function decode(raw: string, key: string, dir: string): unknown {
  const nl = raw.indexOf('\n');
  const corrupt = (why: string): never => {
    throw new ArgusError(
      'ERR_STATE_STORE',
      `state file for key "${key}" in ${dir} is corrupt (${why}); delete ${join(dir, fileName(key))} to start that state afresh`,
    );
  };
  if (nl < 0) return corrupt('no header');
  let header: { v?: unknown; sha256?: string };
  try {
    header = JSON.parse(raw.slice(0, nl));
  } catch {
    return corrupt('unreadable header');
  }
  if (typeof header.v === 'number' && header.v > STATE_FILE_FORMAT) {
    throw new ArgusError(
      'ERR_FORMAT_VERSION',
      `state file for key "${key}" in ${dir} is format ${header.v}, written by a newer Argus; this @argus/core reads state formats up to ${STATE_FILE_FORMAT}. Upgrade Argus, or delete ${join(dir, fileName(key))} to start that state afresh`,
    );
  }
  if (header.v !== STATE_FILE_FORMAT) return corrupt(`no known format version (${JSON.stringify(header.v)})`);
  const json = raw.slice(nl + 1);
  if (createHash('sha256').update(json).digest('hex') !== header.sha256) return corrupt('checksum mismatch');
  return JSON.parse(json);
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } catch {
    // some filesystems refuse fsync on directories; the rename is still atomic
  } finally {
    await fh.close();
  }
}

/**
 * Opens the default state store: file-backed in `dir` (default `.argus/state`), or — when the directory
 * cannot be written (a read-only container) — in memory, saying so once through `log`.
 */
export async function openStateStore(
  options: FileStateStoreOptions & { log?: Logger } = {},
): Promise<StateStore> {
  const dir = resolve(options.dir ?? join('.argus', 'state'));
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
    const probe = join(dir, `.probe-${process.pid}`);
    const fh = await open(probe, 'w');
    await fh.close();
    await rm(probe, { force: true });
    return fileStateStore(options);
  } catch (err) {
    options.log?.warn(
      `state directory ${dir} is not writable (${(err as Error).message}); keeping state in memory, so learned baselines and alert state will not survive a restart. Set dataDir to a writable directory to fix this.`,
    );
    return memoryStateStore();
  }
}
