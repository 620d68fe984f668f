import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startOllamaStandin, writeTinyModel } from '@argus/llm-standin';
import { describe, expect, it } from 'vitest';
import { runTriage } from '../triage.js';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('examples/ollama-triage', () => {
  it('without Ollama: says what is missing and still reports the statistical findings', async () => {
    const lines: string[] = [];
    const r = await runTriage(`http://127.0.0.1:${await closedPort()}`, 'qwen2.5:3b', (l) => lines.push(l));
    expect(r.model).toBe('noServer');
    expect(lines[0]).toMatch(/No Ollama answers at .*ollama serve/);
    expect(r.findings.length).toBeGreaterThan(0);
    expect(r.judged).toEqual([]);
    // the disk's forecast alone fires the predictive rule; with no model there is no investigation
    expect(r.findings.some((f) => f.kind === 'forecastBreach')).toBe(true);
    expect(r.notifications).toEqual(['first notification: DiskFillsSoon']);
    // every sample of the three series went into the history store; no model, no scheduled review
    expect(r.stored).toBeGreaterThanOrEqual(3 * 80);
    expect(r.reviews).toBe(0);
  });

  it('with a server lacking the model: names the pull command', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'argus-triage-'));
    const engine = await startOllamaStandin({
      modelPath: writeTinyModel(join(dir, 'm.gguf')),
      model: 'tiny:latest',
    });
    try {
      const lines: string[] = [];
      const r = await runTriage(engine.url, 'qwen2.5:3b', (l) => lines.push(l), 120_000);
      expect(r.model).toBe('noModel');
      expect(lines[0]).toContain('ollama pull qwen2.5:3b');

      // and with the model it has: every finding gets a verdict from the real engine
      const used = await runTriage(engine.url, 'tiny', () => {}, 120_000);
      expect(used.model).toBe('used');
      expect(used.findings.length).toBeGreaterThan(0);
      expect(used.judged.length).toBe(used.findings.length);
      // the predictive alert is notified, then the model's investigation of its group follows up once
      expect(used.notifications).toEqual([
        'first notification: DiskFillsSoon',
        'investigation follow-up: DiskFillsSoon',
      ]);
      // the schedule reviewed the disk from the stored history, finding or not
      expect(used.reviews).toBeGreaterThanOrEqual(1);
      expect(used.stored).toBeGreaterThanOrEqual(3 * 80);
    } finally {
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
