// One real inference engine per test file: node-llama-cpp's CPU llama.cpp serving a tiny random-weight model
// generated here, behind the Ollama-API stand-in (@argus/llm-standin, private). Started before the file's tests,
// closed after them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type OllamaStandin, startOllamaStandin, writeTinyModel } from '@argus/llm-standin';
import { afterAll, beforeAll } from 'vitest';

export const TINY_MODEL = 'argus-tiny';

/** Registers the engine's start and stop; `engine()` returns it inside tests. */
export function useTinyEngine(): () => OllamaStandin {
  let dir: string;
  let engine: OllamaStandin | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'argus-llm-'));
    engine = await startOllamaStandin({
      modelPath: writeTinyModel(join(dir, 'tiny.gguf')),
      model: TINY_MODEL,
    });
  }, 120_000);
  afterAll(async () => {
    await engine?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    if (!engine) throw new Error('the tiny engine is not started (useTinyEngine() must run at file level)');
    return engine;
  };
}
