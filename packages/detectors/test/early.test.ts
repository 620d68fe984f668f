import { describe, expect, it } from 'vitest';
import { earlyModel, pointOut } from '../src/index.js';
import { Windows } from '../src/models/early.js';

/** Feeds `values` to series 0 and returns the scores. */
function scores(values: number[], model = earlyModel()): number[] {
  const out = pointOut();
  return values.map((v, i) => model.update(0, i * 15_000, v, out));
}
const normal = (n: number): number[] => Array.from({ length: n }, (_, i) => 0.005 + ((i * 7) % 5) * 0.0001);

describe('earlyModel', () => {
  it('scores nothing before minSamples, then a 100× value ≥ 0.5 from the 5th sample on', () => {
    expect(scores([...normal(4), 0.5]).at(-1)).toBe(0);
    expect(scores([...normal(5), 0.5]).at(-1)).toBeGreaterThanOrEqual(0.5);
  });

  it('grows confident as history builds: the same value scores higher after more samples', () => {
    const at = (n: number): number => scores([...normal(n), 0.1]).at(-1)!;
    expect(at(6)).toBeLessThan(at(12));
    expect(at(12)).toBeLessThan(at(30));
    expect(at(6)).toBeLessThan(0.5); // 20× on 6 samples: not yet sure enough to alert
    expect(at(12)).toBeGreaterThanOrEqual(0.5);
  });

  it('leaves ordinary noise and steps under 10× alone', () => {
    expect(Math.max(...scores(normal(40)))).toBe(0);
    expect(scores([...normal(20), 0.01]).at(-1)).toBe(0);
    expect(scores([...normal(30), 0.035]).at(-1)).toBe(0); // 7×: a burst of GC, not an incident
  });

  it('flags dips too, and keeps an incident out of its baseline so every point of it scores', () => {
    const s = scores([...normal(10), 0.5, 0.5, 0.5, 0.005, 0.0001]);
    expect(s.slice(10, 13).every((x) => x >= 0.5)).toBe(true);
    expect(s[13]).toBe(0);
    expect(s[14]).toBeGreaterThan(0);
  });

  it('has no scale on an all-zero baseline and scores 0 there', () => {
    expect(scores([0, 0, 0, 0, 0, 0, 0.3]).at(-1)).toBe(0);
  });

  it('saves, loads and releases a series; load names the model on bad state', () => {
    const a = earlyModel();
    scores(normal(8), a);
    const b = earlyModel();
    b.load(0, a.save(0));
    const out = pointOut();
    expect(b.update(0, 0, 0.5, out)).toBeGreaterThanOrEqual(0.5);
    b.release(0);
    expect(b.save(0)).toBeUndefined();
    expect(() => b.load(0, { values: 'x' })).toThrow(/early: snapshot field values/);
  });

  it('keeps series apart, and a released series leaves nothing behind for the one reusing its window', () => {
    const model = earlyModel();
    const out = pointOut();
    // series 1 learns a baseline near 1000; series 2 near 0.005: 1000 would be gross for 2 but not for 1
    for (let i = 0; i < 10; i++) {
      model.update(1, i, 1000 + i, out);
      model.update(2, i, 0.005, out);
    }
    expect(model.update(1, 10, 1005, out)).toBe(0);
    expect(model.update(2, 10, 1000, out)).toBeGreaterThanOrEqual(0.5);
    expect(model.save(1)).toEqual({
      values: Array.from({ length: 11 }, (_, i) => (i < 10 ? 1000 + i : 1005)),
    });
    model.release(1);
    expect(model.save(1)).toBeUndefined();
    // series 3 takes the freed window: it starts empty (no score before minSamples), not with series 1's samples
    expect(model.update(3, 0, 0.005, out)).toBe(0);
    expect(model.save(3)).toEqual({ values: [0.005] });
  });

  it('gives its block of windows back once every series is released, and starts a new one after', () => {
    const win = new Windows(32);
    for (const id of [0, 5, 9]) win.take(id);
    win.release(5);
    win.release(0);
    expect(win.size).toEqual({ used: 1, slots: 16 });
    win.release(9);
    expect(win.size).toEqual({ used: 0, slots: 0 });
    expect(win.find(9)).toBe(-1);
    const k = win.take(5);
    expect(win.kept[k]).toBe(0);
    expect(win.size).toEqual({ used: 1, slots: 16 });
    // through the model: a series taken after the block was given back starts from an empty window
    const model = earlyModel();
    const out = pointOut();
    for (let i = 0; i < 6; i++) model.update(1, i, 1000, out);
    model.release(1);
    for (let i = 0; i < 5; i++) expect(model.update(1, i, 1, out)).toBe(0);
    expect(model.update(1, 5, 1000, out)).toBeGreaterThanOrEqual(0.5);
  });
});
