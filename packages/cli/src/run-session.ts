// `argus run <config>` once the config is built: the pipeline, the server over it (a `server:` block), and
// reloads (SIGHUP, POST /-/reload) that validate the new config before anything running is touched.
import type { Pipeline } from '@argus/core';
import type { ReloadStatus } from '@argus/server';
import type { ServerSettings } from './config/server-schema.js';
import type { Io } from './format.js';
import { type LiveServer, serverLines } from './live-server.js';
import { dataDirOf, type Prepared, prepare, summary } from './run-prepare.js';
import { startRunServer } from './run-server.js';
import { ioLogger, runPipeline } from './runtime.js';
import { closeState } from './state-open.js';

type Running = Prepared & { pipeline: Pipeline };

// what the listener was made with cannot change while it listens
function fixedPart(s: ServerSettings | undefined): string {
  return JSON.stringify(s && { listen: s.listen, tls: s.tls, ui: s.ui, uiRoot: s.uiRoot, auth: s.auth });
}

/** Builds the next configuration, refusing what a reload cannot apply; throws with every problem. */
async function nextConfig(file: string, current: Running, io: Io): Promise<Running> {
  const next = await prepare(file, io, {
    ...(current.state ? { state: current.state } : {}),
    ...(current.server ? { store: current.server.store } : {}),
  });
  if (!next.pipeline) throw new Error(next.problems.join('\n'));
  if (fixedPart(next.server?.settings) !== fixedPart(current.server?.settings))
    throw new Error(
      `${file}: server: listen, tls, ui, uiRoot and auth (and adding or removing the block) need a restart; the rest of the file reloads`,
    );
  return { ...next, pipeline: next.pipeline };
}

/** Runs a built config until SIGINT/SIGTERM (or `durationS`); SIGHUP reloads it. Resolves with the exit code. */
export async function runSession(
  file: string,
  first: Running,
  o: { durationS?: number | undefined },
  io: Io,
): Promise<number> {
  let current = first;
  let failed = false;
  const watch = (p: Pipeline): void => {
    p.on('state', (s) => {
      if (s === 'failed' && p === current.pipeline) failed = true;
    });
  };
  watch(first.pipeline);
  let server: LiveServer | undefined;
  const stats: ReloadStatus = { total: 0, failures: 0, lastSuccessful: true, lastSuccessAt: Date.now() };

  const swap = async (): Promise<void> => {
    const next = await nextConfig(file, current, io);
    // the new config is valid: only now is the running pipeline touched
    await current.pipeline.stop({ timeoutMs: current.stopTimeoutMs ?? 10_000 });
    current = next;
    watch(next.pipeline);
    await next.pipeline.start();
    server?.app.argus.replace({
      pipeline: next.pipeline,
      config: next.loaded?.config,
      ...(next.server
        ? {
            alertManager: next.server.alertManager,
            receivers: next.server.receivers,
            ...(next.server.alertmanagerYaml === undefined
              ? {}
              : { alertmanagerYaml: next.server.alertmanagerYaml }),
          }
        : {}),
    });
  };
  let chain: Promise<void> = Promise.resolve();
  // one reload at a time: a SIGHUP during a POST /-/reload waits for it
  const reload = (): Promise<void> => {
    const run = chain.then(async () => {
      stats.total++;
      try {
        await swap();
      } catch (err) {
        stats.failures++;
        stats.lastSuccessful = false;
        stats.lastError = (err as Error).message;
        throw err;
      }
      stats.lastSuccessful = true;
      stats.lastSuccessAt = Date.now();
      delete stats.lastError;
    });
    chain = run.catch(() => {});
    return run;
  };
  const onHup = (): void => {
    reload().then(
      () => io.stderr(`argus: reloaded ${file} (${summary(current.counts)})\n`),
      (err: Error) =>
        io.stderr(
          `argus error: reload of ${file} failed (${stats.failures} failed so far); the running configuration stays:\n${err.message}\n`,
        ),
    );
  };
  process.on('SIGHUP', onHup);
  try {
    const signal = await runPipeline(first.pipeline, {
      durationS: o.durationS,
      ...(first.stopTimeoutMs !== undefined ? { stopTimeoutMs: first.stopTimeoutMs } : {}),
      current: () => current.pipeline,
      onStarted: async () => {
        if (first.server && first.loaded)
          server = await startRunServer(first.server, {
            dir: first.loaded.origin.dir,
            dataDir: dataDirOf(first.loaded),
            pipeline: first.pipeline,
            config: first.loaded.config,
            log: ioLogger(io),
            reload,
            reloadStatus: () => ({ ...stats }),
            rules: () => current.rules,
          });
        io.stderr(
          `argus: running ${file} (${summary(first.counts)})${o.durationS === undefined ? '; Ctrl-C to stop, SIGHUP to reload' : ` for ${o.durationS}s`}\n`,
        );
        if (server)
          for (const l of serverLines(server, first.server!.settings.ui)) io.stderr(`argus: ${l}\n`);
      },
      beforeStop: async () => {
        process.off('SIGHUP', onHup);
        await chain;
        await server?.close();
      },
    });
    io.stderr(`argus: stopped${signal ? ` on ${signal}` : ''}\n`);
  } finally {
    process.off('SIGHUP', onHup);
    // a Redis connection would otherwise keep the process alive after the stop
    await closeState(first.state);
  }
  return failed ? 1 : 0;
}
