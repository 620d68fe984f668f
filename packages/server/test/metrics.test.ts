// GET /metrics (issue 17): source health follows the pipeline's `health` events, and a reloaded pipeline.
import { createPipeline, type Pipeline, type Source, type SourceHealth, silentLogger } from '@argus/core';
import { afterEach, expect, it } from 'vitest';
import { type TestServer, testServer } from './helpers.js';

let s: TestServer | undefined;
const pipelines: Pipeline[] = [];
afterEach(async () => {
  await s?.close();
  for (const p of pipelines.splice(0)) await p.stop();
  s = undefined;
});

const source = (name: string, fails: boolean): Source => ({
  kind: 'source',
  name,
  apiVersion: 1,
  poll: () => {
    if (fails) throw new Error(`${name} is unreachable`);
    return undefined;
  },
});

/** A pipeline with the given sources (polled once at start), and a promise of one health event per source. */
function withSources(...sources: Source[]): { pipeline: Pipeline; reported: Promise<void> } {
  const pipeline = createPipeline({
    logger: silentLogger,
    sources: sources.map((use) => ({ use, intervalMs: 3_600_000 })),
  });
  pipelines.push(pipeline);
  const seen = new Set<string>();
  const reported = new Promise<void>((resolve) =>
    pipeline.on('health', (h: SourceHealth) => {
      seen.add(h.source);
      if (seen.size === sources.length) resolve();
    }),
  );
  return { pipeline, reported };
}

const upLines = async (srv: TestServer): Promise<string[]> =>
  (await srv.app.inject({ url: '/metrics' })).body
    .split('\n')
    .filter((l) => l.startsWith('argus_source_up{'))
    .sort();

it('shows each source up or down from its health, and follows a reloaded pipeline', async () => {
  const first = withSources(source('api', false), source('db', true));
  s = await testServer({ pipeline: first.pipeline });
  await first.pipeline.start();
  await first.reported;
  expect(await upLines(s)).toEqual(['argus_source_up{source="api"} 1', 'argus_source_up{source="db"} 0']);
  expect((await s.app.inject({ url: '/metrics' })).body).toContain('argus_pipeline_running 1\n');

  const next = withSources(source('cache', false));
  s.app.argus.replace({ pipeline: next.pipeline });
  await next.pipeline.start();
  await next.reported;
  // the old pipeline's sources are gone with it
  expect(await upLines(s)).toEqual(['argus_source_up{source="cache"} 1']);
});
