import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { findBinary, missingBinaryError } from './binary.js';

/** What `args`, `files` and `readyCheck` are given. */
export interface ServerContext {
  /** A free port on 127.0.0.1 for the server to listen on. */
  readonly port: number;
  /** A fresh temporary directory, removed on stop. */
  readonly dataDir: string;
}

/** Options of {@link startServer}. */
export interface StartServerOptions {
  /** The binary: a name looked up on PATH, or an absolute path. */
  command: string;
  /** Debian package that provides it, named in the error when it is missing. @default the command's name */
  debianPackage?: string;
  /** Command-line arguments; must make the server listen on `127.0.0.1:<port>`. */
  args: (ctx: ServerContext) => readonly string[];
  /** Files to write into `dataDir` before starting (relative path → content), e.g. the server's config. */
  files?: (ctx: ServerContext) => Readonly<Record<string, string>>;
  /** Path answering HTTP 200 once the server is ready, e.g. `/-/ready`. */
  readyPath?: string;
  /** Custom readiness test, instead of `readyPath`. */
  readyCheck?: (ctx: ServerContext & { url: string }) => Promise<boolean>;
  /** Extra environment variables. */
  env?: Readonly<Record<string, string>>;
  /** How long to wait for readiness. @default 15000 */
  timeoutMs?: number;
  /** Listen on this port instead of a free one (to restart a server where its clients expect it). */
  port?: number;
  /** Use this directory instead of a fresh one; it is kept on stop (to restart a server over its data). */
  dataDir?: string;
}

/** A running server; `stop()` ends it and removes its directory. */
export interface RunningServer {
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly dataDir: string;
  readonly pid: number;
  /** The last 64 KB of the server's stdout and stderr. */
  output(): string;
  /** SIGTERM, wait for exit (SIGKILL after 5 s), remove `dataDir` (unless the caller gave it). Idempotent. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const OUTPUT_MAX = 64 * 1024;
const POLL_MS = 25;
const live = new Set<ChildProcess>();
let exitHook = false;

/** Finds a free port: binds port 0 on 127.0.0.1, reads it back and closes. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function killOnExit(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (exitHook) return;
  exitHook = true;
  // a crashed test run must not leave servers behind holding ports
  process.once('exit', () => {
    for (const c of live) c.kill('SIGKILL');
  });
}

async function httpReady(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await res.body?.cancel();
    return res.status === 200;
  } catch {
    return false;
  }
}

/**
 * Starts a real server binary (Prometheus, Alertmanager, node-exporter, …) for a test: on a free port of
 * 127.0.0.1, with its own temporary directory and the files you give, and waits until it is ready. Errors carry
 * the server's last output; a missing binary throws `ERR_BINARY_MISSING` naming the package to install.
 * @example
 * const server = await startServer({ command: 'prometheus-node-exporter', readyPath: '/metrics',
 *   args: ({ port }) => [`--web.listen-address=127.0.0.1:${port}`] });
 * try { … } finally { await server.stop(); }
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const path = findBinary(options.command);
  if (!path) throw missingBinaryError(options.command, options.debianPackage ?? options.command);
  const owned = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'argus-testkit-')));
  try {
    const ctx = { port: options.port ?? (await freePort()), dataDir };
    for (const [rel, content] of Object.entries(options.files?.(ctx) ?? {})) {
      const file = join(dataDir, rel);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, content);
    }
    return await launch(path, options, ctx, owned);
  } catch (err) {
    if (owned) await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
}

async function launch(
  path: string,
  o: StartServerOptions,
  ctx: ServerContext,
  owned: boolean,
): Promise<RunningServer> {
  const child = spawn(path, [...o.args(ctx)], {
    env: { ...process.env, ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  killOnExit(child);
  let out = '';
  const capture = (chunk: Buffer): void => {
    out += chunk.toString('utf8');
    if (out.length > OUTPUT_MAX) out = out.slice(-OUTPUT_MAX);
  };
  child.stdout?.on('data', capture);
  child.stderr?.on('data', capture);
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(`exited with ${signal ?? `code ${code}`}`));
    child.once('error', (err) => resolve(`failed to spawn: ${err.message}`));
  });
  const url = `http://127.0.0.1:${ctx.port}`;
  let stopping: Promise<void> | undefined;
  const server: RunningServer = {
    port: ctx.port,
    url,
    dataDir: ctx.dataDir,
    pid: child.pid ?? -1,
    output: () => out,
    stop: () => (stopping ??= terminate(child, exited, owned ? ctx.dataDir : undefined)),
    [Symbol.asyncDispose]: () => server.stop(),
  };
  const problem = await waitReady(o, { ...ctx, url }, exited);
  if (problem) {
    await server.stop();
    const name = o.command.split('/').pop();
    throw new Error(
      `${name} did not become ready on ${url}: ${problem}\n--- its output ---\n${out.slice(-4_000)}`,
    );
  }
  return server;
}

async function waitReady(
  o: StartServerOptions,
  ctx: ServerContext & { url: string },
  exited: Promise<string>,
): Promise<string | undefined> {
  let gone: string | undefined;
  void exited.then((why) => {
    gone = why;
  });
  const check = o.readyCheck ?? ((c: { url: string }) => httpReady(`${c.url}${o.readyPath ?? '/'}`));
  const until = Date.now() + (o.timeoutMs ?? 15_000);
  while (Date.now() < until) {
    if (gone) return gone;
    if (await check(ctx)) return undefined;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return gone ?? `not ready within ${o.timeoutMs ?? 15_000} ms`;
}

async function terminate(
  child: ChildProcess,
  exited: Promise<string>,
  dataDir: string | undefined,
): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
}
