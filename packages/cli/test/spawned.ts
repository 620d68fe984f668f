// The built CLI as a child process, for tests that need real signals and a real listener.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The built CLI's entry point. */
export const bin: string = join(import.meta.dirname, '..', 'dist', 'bin.js');

/** A running `argus …` child process. */
export interface Spawned {
  readonly child: ChildProcess;
  /** stdout and stderr so far, interleaved. */
  output(): string;
  /** Resolves with the first match of `re` in the output; rejects when the process exits first. */
  waitFor(re: RegExp): Promise<RegExpMatchArray>;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  /** SIGKILL by PID if it still runs. */
  kill(): void;
}

/** Spawns `node dist/bin.js ...args` (build the CLI first). */
export function spawnCli(args: readonly string[], env?: NodeJS.ProcessEnv): Spawned {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`pnpm --filter @argus/cli build\` first`);
  const child = spawn(process.execPath, [bin, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(env ? { env: { ...process.env, ...env } } : {}),
  });
  let out = '';
  const waiters = new Set<() => void>();
  const onData = (c: Buffer): void => {
    out += c.toString();
    for (const w of waiters) w();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  let code: number | null | undefined;
  const exited = new Promise<number | null>((r) =>
    child.on('exit', (c) => {
      code = c;
      for (const w of waiters) w();
      r(c);
    }),
  );
  return {
    child,
    output: () => out,
    exited,
    waitFor: (re) =>
      new Promise((ok, fail) => {
        const check = (): void => {
          const m = re.exec(out);
          if (m) {
            waiters.delete(check);
            ok(m);
          } else if (code !== undefined) {
            waiters.delete(check);
            fail(new Error(`argus exited (${code}) before printing ${re}:\n${out}`));
          }
        };
        waiters.add(check);
        check();
      }),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** Logs in at `POST /api/login`; the session cookie and CSRF token. */
export async function login(
  url: string,
  user: string,
  password: string,
): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${url}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user, password }),
  });
  if (res.status !== 200) throw new Error(`login as ${user}: ${res.status} ${await res.text()}`);
  const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  return { cookie, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

/** Polls `get` until `ok(value)`, pausing `pauseMs` between tries; the test's own timeout bounds it. */
export async function until<T>(get: () => Promise<T>, ok: (v: T) => boolean, pauseMs = 250): Promise<T> {
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, pauseMs));
  }
}

/** Fetches the web UI's index at `url/` and the first script it loads; their statuses and types. */
export async function fetchUi(
  url: string,
): Promise<{ index: number; script?: string; scriptStatus?: number; scriptType?: string | null }> {
  const res = await fetch(`${url}/`);
  const html = await res.text();
  const script = /<script[^>]+src="\/?([^"]+\.js)"/.exec(html)?.[1];
  if (res.status !== 200 || script === undefined) return { index: res.status };
  const js = await fetch(`${url}/${script}`);
  await js.arrayBuffer();
  return { index: res.status, script, scriptStatus: js.status, scriptType: js.headers.get('content-type') };
}
