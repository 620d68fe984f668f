// store.series() tests its candidates in chunks with a turn of the event loop between them, so that a selector
// over many series never holds the host in one piece (issue 14), and it stops when the caller's signal fires.
// No time is measured: other work scheduled with setImmediate must get turns while series() runs.
import { describe, expect, it } from 'vitest';
import { createStore } from '../src/index.js';

const T0 = 1_700_000_000_000;

function storeWith(n: number) {
  const store = createStore({ retentionMs: 365 * 86_400_000 });
  for (let i = 0; i < n; i++) store.append({ __name__: 'g', i: String(i), job: `j${i % 3}` }, T0, i);
  return store;
}

/** Counts turns of the event loop (setImmediate callbacks) until stopped. */
function ticker(onTick: (n: number) => void = () => {}) {
  let ticks = 0;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    ticks++;
    onTick(ticks);
    setImmediate(tick);
  };
  setImmediate(tick);
  return {
    stop: () => {
      stopped = true;
      return ticks;
    },
  };
}

describe('store.series yields between chunks', () => {
  it('lets other work run while it tests ten thousand candidates, and answers the same series', async () => {
    const store = storeWith(10_000);
    const t = ticker();
    const labels = await store.series('{__name__="g", job=~"j0|j1"}');
    const ticks = t.stop();
    expect(labels).toHaveLength(6_667);
    expect(labels.slice(0, 3)).toEqual([
      { __name__: 'g', i: '0', job: 'j0' },
      { __name__: 'g', i: '1', job: 'j1' },
      { __name__: 'g', i: '3', job: 'j0' },
    ]);
    // 6,667 candidates from the index in chunks of 1,024: the other work ran between the chunks
    expect(ticks).toBeGreaterThanOrEqual(3);
  });

  it('also yields when no matcher narrows the candidates (a full scan)', async () => {
    const store = storeWith(5_000);
    const t = ticker();
    const labels = await store.series('{i!="7"}');
    expect(t.stop()).toBeGreaterThanOrEqual(2);
    expect(labels).toHaveLength(4_999);
  });

  it('answers one name="value" matcher from the index: the series a scan finds, in the same order', async () => {
    const store = storeWith(3_000);
    store.append({ __name__: 'h', job: 'j1' }, T0, 1);
    for (const sel of ['{job="j1"}', '{__name__="g"}', '{__name__="nope"}']) {
      const scan = await store.series(`${sel.slice(0, -1)}, i!="no such value"}`);
      expect(await store.series(sel)).toEqual(scan);
    }
    expect(await store.series('{job="j1"}')).toHaveLength(1_001);
  });

  it('stops with the signal reason when the signal fires between chunks', async () => {
    const store = storeWith(10_000);
    const ac = new AbortController();
    const t = ticker((n) => n === 1 && ac.abort());
    // a selector whose candidates are tested (one `name="value"` alone is answered from the index, untested)
    await expect(store.series('{__name__="g", i!="7"}', { signal: ac.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    t.stop();
  });
});
