// A child process started in its own process group, with its output collected: a stop reaches everything it
// started, as Ctrl-C in a terminal or a service manager's stop would. Every wait is bounded.
import { type ChildProcess, spawn } from 'node:child_process';

/** A started process: its output so far, and ways to wait for it and stop it. */
export interface Started {
  readonly child: ChildProcess;
  /** stdout and stderr so far, interleaved. */
  output(): string;
  /** stderr so far. */
  stderr(): string;
  /** True until the process has exited and its output is closed. */
  running(): boolean;
  /** Resolves with the first match of `re` in the output; rejects if the process ends or `timeoutMs` passes first. */
  waitFor(re: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** Resolves when the process ends; SIGKILLs its process group after `timeoutMs` and resolves `hung: true`. */
  exit(timeoutMs: number): Promise<{ code: number | null; signal: string | null; hung: boolean }>;
  /** Sends `signal` to the process group. */
  signal(signal: NodeJS.Signals): void;
  /** If still running: sends `signal` to the group, waits up to `timeoutMs`, then SIGKILLs it. */
  stop(signal: NodeJS.Signals, timeoutMs: number): Promise<void>;
}

/** Starts `cmd` in a process group of its own. */
export function start(cmd: string, args: string[], o: { cwd: string; env: NodeJS.ProcessEnv }): Started {
  const child = spawn(cmd, args, {
    cwd: o.cwd,
    env: o.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  let err = '';
  let done = false;
  const listeners = new Set<() => void>();
  const changed = (): void => {
    for (const l of listeners) l();
  };
  child.stdout!.on('data', (d) => {
    out += d;
    changed();
  });
  child.stderr!.on('data', (d) => {
    out += d;
    err += d;
    changed();
  });
  const closed = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.on('error', (e) => {
      out += `\n${e.message}\n`;
      done = true;
      resolve({ code: null, signal: null });
      changed();
    });
    child.on('close', (code, signal) => {
      done = true;
      resolve({ code, signal });
      changed();
    });
  });
  const signal = (s: NodeJS.Signals): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, s);
    } catch {
      // the group has exited already
    }
  };
  const exit = async (timeoutMs: number) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const hung = new Promise<'hung'>((r) => (timer = setTimeout(() => r('hung'), timeoutMs)));
    const r = await Promise.race([closed, hung]);
    clearTimeout(timer);
    if (r !== 'hung') return { ...r, hung: false };
    signal('SIGKILL');
    return { ...(await closed), hung: true };
  };
  return {
    child,
    output: () => out,
    stderr: () => err,
    running: () => !done,
    signal,
    exit,
    stop: async (s, timeoutMs) => {
      if (done) return;
      signal(s);
      await exit(timeoutMs);
    },
    waitFor: (re, timeoutMs) =>
      new Promise((resolve, reject) => {
        const finish = (f: () => void): void => {
          clearTimeout(timer);
          listeners.delete(check);
          f();
        };
        const check = (): void => {
          const m = out.match(re);
          if (m) finish(() => resolve(m));
          else if (done) finish(() => reject(new Error(`exited before printing ${re}:\n${out}`)));
        };
        const timer = setTimeout(
          () => finish(() => reject(new Error(`no ${re} within ${timeoutMs} ms:\n${out}`))),
          timeoutMs,
        );
        listeners.add(check);
        check();
      }),
  };
}
