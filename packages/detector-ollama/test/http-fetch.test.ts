import { httpFetch } from '@argus/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type FakeOllama, startFakeOllama } from './fake-ollama.js';
import { answer, MODEL, rig, until } from './helpers.js';

let fake: FakeOllama;
beforeEach(async () => {
  fake = await startFakeOllama([MODEL]);
});
afterEach(async () => {
  vi.restoreAllMocks();
  await fake.close();
});

describe('the fetch under the ollama client', () => {
  it('talks to the server through node:http, never the global fetch (which slows every later promise)', async () => {
    const global = vi.spyOn(globalThis, 'fetch');
    fake.fallback = { kind: 'answer', content: answer() };
    for (const stream of [false, true]) {
      const r = rig(fake.url, { stream });
      await r.detector.start!(r.ctx);
      const [v] = await r.judge([r.finding()]);
      expect(v!.verdict.confirmed).toBe(true);
    }
    expect(global).not.toHaveBeenCalled();
  });

  it('sends method, headers and body, reads status and headers, and stops on abort', async () => {
    const tags = await httpFetch(`${fake.url}/api/tags`);
    expect(tags.status).toBe(200);
    expect(tags.headers.get('content-type')).toMatch(/json/);
    expect(((await tags.json()) as { models: unknown[] }).models).toHaveLength(1);

    fake.fallback = { kind: 'hang' };
    const stop = new AbortController();
    const body = JSON.stringify({ model: MODEL, messages: [], stream: false });
    const pending = httpFetch(`${fake.url}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: stop.signal,
    });
    await until(() => expect(fake.hanging()).toBe(1));
    expect(fake.received.at(-1)!.body['model']).toBe(MODEL);
    stop.abort(new Error('stopped'));
    await expect(pending).rejects.toThrow('stopped');
    await expect(httpFetch(`${fake.url}/api/tags`, { signal: stop.signal })).rejects.toThrow('stopped');
  });
});
