import type { Finding, Labels, StageContext } from '@argus/core';
import { createStore, type Store } from '@argus/store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OllamaDetectorOptions } from '../src/index.js';
import { type FakeOllama, startFakeOllama } from './fake-ollama.js';
import { answer, MODEL, type Rig, rig, until } from './helpers.js';

const T = Date.UTC(2026, 11, 7, 8, 0, 0); // the rig's fake clock
const NODE1: Labels = { __name__: 'cpu', instance: 'node-1' };
const NODE2: Labels = { __name__: 'cpu', instance: 'node-2' };
const DISK: Labels = { __name__: 'disk', instance: 'node-1' };
const EVERY_MINUTE = { series: ['cpu'], intervalMs: 60_000 };

type Message = { role: string; content: string };

let fake: FakeOllama;
let store: Store;
beforeEach(async () => {
  fake = await startFakeOllama([MODEL]);
  store = createStore({ retentionMs: 86_400_000 });
  await store.open();
  for (let t = T - 3_600_000; t <= T; t += 60_000) {
    store.append(NODE1, t, 40);
    store.append(NODE2, t, t > T - 600_000 ? 90 : 40);
    store.append(DISK, t, 0.5);
  }
});
afterEach(async () => {
  await store.close();
  await fake.close();
});

async function started(options: Partial<OllamaDetectorOptions>): Promise<Rig & { tick(): Finding[] }> {
  const r = rig(fake.url, { history: store, schedule: EVERY_MINUTE, ...options });
  await r.detector.start!(r.ctx);
  const stage: StageContext = {
    now: T,
    mode: 'stream',
    series: r.ctx.series,
    log: r.ctx.log,
    metrics: r.ctx.metrics,
  };
  return { ...r, tick: () => [...(r.detector.tick!(stage) ?? [])] };
}

describe('judgement on a schedule', () => {
  it('reviews each chosen series once per interval; confirmed anomalies come out of tick as findings', async () => {
    fake.script.push(
      { kind: 'answer', content: answer({ is_anomaly: false, confidence: 0.8 }) },
      { kind: 'answer', content: answer({ kind: 'levelShift', confidence: 0.7 }) },
    );
    const r = await started({});
    expect(r.tick()).toEqual([]);
    expect(fake.received).toHaveLength(0); // nothing before the first interval
    r.clock.advance(60_000);
    const found = await until(() => {
      const out = r.tick();
      expect(out).toHaveLength(1);
      return out;
    });
    expect(fake.received).toHaveLength(2); // cpu on node-1 and node-2; disk is not chosen
    const [first] = fake.received.map((q) => JSON.parse((q.body['messages'] as Message[])[1]!.content));
    expect(first.question).toMatch(/Scheduled review/);
    expect(first.statistical_finding).toBeUndefined();
    expect(first.recent_window.max.length).toBeGreaterThan(0);
    expect(first.related_series.map((s: Labels) => s['series'])).toContainEqual(DISK);
    const f = found[0]!;
    expect(r.ctx.series.labels(f.series)).toEqual(NODE2);
    expect(f).toMatchObject({ detector: 'ollama', kind: 'levelShift', score: 0.7, timestamp: T + 60_000 });
    expect(f.verdicts?.[0]).toMatchObject({ confirmed: true, detector: 'ollama' });
    expect(r.metrics.counts['scheduled']).toBe(2);
    r.detector.stop!(r.ctx);
  });

  it('a hanging model never blocks tick, and a round still running skips the next one', async () => {
    fake.fallback = { kind: 'hang' };
    const r = await started({ timeoutMs: 600_000 });
    r.clock.advance(60_000);
    await until(() => expect(fake.hanging()).toBe(1));
    expect(r.tick()).toEqual([]); // synchronous, whatever the model does
    r.clock.advance(60_000);
    expect(r.metrics.counts['scheduled.skipped']).toBe(1);
    expect(fake.hanging()).toBe(1);
    r.detector.stop!(r.ctx); // aborts the call in flight
    await until(() => expect(r.metrics.counts['scheduled']).toBe(1));
  });

  it('spends the same minute budget: past it nothing is sent and the reviews count as unjudged', async () => {
    fake.fallback = { kind: 'answer', content: answer() };
    const r = await started({ budget: { tokensPerMinute: 10 } });
    r.clock.advance(60_000);
    await until(() => expect(r.metrics.counts['scheduled']).toBe(2));
    expect(r.metrics.counts['unjudged.overBudget']).toBe(2);
    expect(fake.received).toHaveLength(0);
    expect(r.tick()).toEqual([]);
    r.detector.stop!(r.ctx);
  });

  it('refuses a schedule without history, and a selector that does not parse', () => {
    expect(() => rig(fake.url, { schedule: EVERY_MINUTE })).toThrow(/schedule.*set history/s);
    expect(() =>
      rig(fake.url, { history: store, schedule: { series: ['cpu{'], intervalMs: 60_000 } }),
    ).toThrow(/not a valid series selector/);
  });
});
