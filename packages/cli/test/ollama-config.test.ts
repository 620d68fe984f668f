// Issue 19 in config files: the `ollama` detector and the `predictive` alerter as builtins, and
// `server.investigation` (background investigations of firing groups by an Ollama model), each validated with
// located errors. The investigation is wired end to end against a real inference engine (node-llama-cpp behind
// the Ollama-API stand-in, tiny generated model) and a real local webhook receiver.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalReceiver, localReceiver } from '@argus/alerting/testing';
import { type Alert, fingerprint, silentLogger } from '@argus/core';
import { type OllamaStandin, startOllamaStandin, writeTinyModel } from '@argus/llm-standin';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { serverSettingsSchema } from '../src/config/server-schema.js';
import { main } from '../src/index.js';
import { serverParts } from '../src/run-server.js';
import { captureIo } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'argus-ollama-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function validate(yaml: string) {
  const file = join(dir, 'argus.yaml');
  writeFileSync(file, yaml);
  const io = captureIo();
  const code = await main(['validate', file], io);
  return { code, out: io.out, err: io.err, file };
}

const PIPELINE = `sources:
  - use: synthetic
    options:
      series:
        - labels: { __name__: disk_used_ratio }
          base: 0.5
          noise: 0.01
detectors:
  - use: trend
    options: { crossAbove: 0.9, horizonMs: 21600000 }
  - use: ollama
    timeoutMs: 300000
    options: { model: qwen2.5:3b, host: http://127.0.0.1:1, anonymizeLabels: [instance], policy: enrich }
alerters:
  - use: predictive
    options: { alert: DiskFillsSoon, selector: disk_used_ratio, verdict: confirmedOrUnavailable }
`;

describe('the ollama detector and the predictive rule in a config file', () => {
  it('are builtins: a config declaring both validates (nothing is sent to the model)', async () => {
    const r = await validate(PIPELINE);
    expect(r.err).toBe('');
    expect(r.out).toBe(`${r.file}: OK (1 source, 2 detectors, 1 alerter)\n`);
    expect(r.code).toBe(0);
  });

  it('their option errors are located at the line of the option, naming the plugin', async () => {
    const bad = PIPELINE.replace('policy: enrich', 'policy: page').replace(
      'verdict: confirmedOrUnavailable',
      'verdict: maybe',
    );
    const r = await validate(bad);
    expect(r.code).toBe(1);
    const lines = r.err.split('\n');
    expect(lines[0]).toMatch(
      new RegExp(`^${r.file}:13:\\d+ detectors\\[1\\]\\.options\\.policy: plugin "ollama": .*revise`),
    );
    expect(lines[1]).toMatch(
      new RegExp(
        `^${r.file}:16:\\d+ alerters\\[0\\]\\.options\\.verdict: plugin "predictive-rule": .*confirmed`,
      ),
    );
    expect(lines[2]).toBe('2 problems found');
  });

  it('a missing model is reported at the options of the ollama entry', async () => {
    const r = await validate(PIPELINE.replace('model: qwen2.5:3b, ', ''));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/argus\.yaml:13:\d+ detectors\[1\]\.options\.model: plugin "ollama": /);
  });
});

describe('server.investigation in a config file', () => {
  const withServer = (block: string) => `${PIPELINE}server:\n  listen: 127.0.0.1:0\n${block}`;

  it('validates the Ollama options with located errors', async () => {
    const r = await validate(
      withServer('  investigation:\n    ollama: { host: http://127.0.0.1:1, concurrency: 0 }\n'),
    );
    expect(r.code).toBe(1);
    expect(r.err.split('\n')).toEqual([
      `${r.file}:20:13 server.investigation.ollama.model: required (expected string)`,
      `${r.file}:20:54 server.investigation.ollama.concurrency: Too small: expected number to be >0 (given: 0)`,
      '2 problems found',
      '',
    ]);
  });

  it('checks its own fields against the schema, located', async () => {
    const r = await validate(
      withServer('  investigation:\n    ollama: { model: qwen2.5:3b }\n    maxInFlight: 0\n'),
    );
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/argus\.yaml:21:18 server\.investigation\.maxInFlight: /);
  });

  it('a good block validates', async () => {
    const r = await validate(
      withServer(
        '  investigation:\n    ollama: { model: qwen2.5:3b, host: http://127.0.0.1:1 }\n    timeoutMs: 600000\n',
      ),
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('server.investigation against a real inference engine', () => {
  const MODEL = 'argus-tiny';
  let engineDir: string;
  let engine: OllamaStandin;
  let hook: LocalReceiver;
  beforeAll(async () => {
    engineDir = mkdtempSync(join(tmpdir(), 'argus-llm-'));
    engine = await startOllamaStandin({
      modelPath: writeTinyModel(join(engineDir, 'tiny.gguf')),
      model: MODEL,
    });
  }, 120_000);
  afterAll(async () => {
    await engine?.close();
    rmSync(engineDir, { recursive: true, force: true });
  });
  afterEach(async () => hook?.close());

  async function parts(model: string) {
    hook = await localReceiver();
    writeFileSync(
      join(dir, 'am.yml'),
      `route:\n  receiver: ops\n  group_by: [alertname]\n  group_wait: 10ms\n  group_interval: 10m\nreceivers:\n  - name: ops\n    webhook_configs:\n      - url: ${hook.url}/alerts\n`,
    );
    const settings = serverSettingsSchema.parse({
      alertmanagerConfig: 'am.yml',
      investigation: {
        ollama: { model, host: engine.url, modelOptions: { temperature: 0, num_predict: 400 } },
        timeoutMs: 150_000,
      },
    });
    return serverParts(settings, dir, silentLogger);
  }

  it('a server without the model: the investigation sink fails to start, naming `ollama pull`', async () => {
    const p = await parts('qwen2.5:3b');
    const sink = p.sinks.find((s) => s.name === 'server:investigation')!;
    await expect(Promise.resolve(sink.start?.({} as never))).rejects.toThrow(/ollama pull qwen2\.5:3b/);
    await sink.stop?.({} as never);
  });

  it('an alert fires: the model is asked on its own and one follow-up of the group reaches the receiver', async () => {
    const p = await parts(MODEL);
    const sink = p.sinks.find((s) => s.name === 'server:investigation')!;
    await sink.start?.({} as never);
    const am = p.alertManager;
    await am.start();
    try {
      const labels = { alertname: 'DiskFull', instance: 'db-1' };
      const alert: Alert = {
        labels,
        annotations: { summary: 'DiskFull on db-1' },
        state: 'firing',
        startsAt: Date.now(),
        fingerprint: fingerprint(labels),
        origin: 'test',
      };
      const before = engine.requests;
      am.ingest([alert]);
      await vi.waitFor(() => expect(am.investigations().followUps + am.investigations().unanswered).toBe(1), {
        timeout: 150_000,
        interval: 20,
      });
      expect(am.investigations()).toMatchObject({ started: 1, followUps: 1, unanswered: 0 });
      expect(engine.requests).toBeGreaterThan(before);
      // the notification, then exactly one follow-up of the same group carrying the model's annotations
      await vi.waitFor(() => expect(hook.got.length).toBe(2), { timeout: 60_000, interval: 20 });
      const [first, follow] = hook.got.map(
        (g) => g.body as { groupKey: string; alerts: { annotations: Record<string, string> }[] },
      );
      expect(follow!.groupKey).toBe(first!.groupKey);
      expect(first!.alerts[0]!.annotations['ai_model']).toBeUndefined();
      expect(follow!.alerts[0]!.annotations).toMatchObject({ summary: 'DiskFull on db-1', ai_model: MODEL });
      expect(am.history({ events: ['notified'] }).map((e) => e.reason)).toEqual([
        'investigation follow-up',
        'first notification',
      ]);
    } finally {
      await am.stop();
      await sink.stop?.({} as never);
    }
  }, 200_000);
});
