import { describe, expect, it } from 'vitest';
import { detectorModel, MODEL_DETECTORS, pointOut } from '../src/index.js';

describe('detectorModel', () => {
  it('builds a fresh model for every built-in detector name, and nothing for others', () => {
    for (const name of MODEL_DETECTORS) expect(detectorModel(name), name).toBeDefined();
    expect(detectorModel('no-such-detector')).toBeUndefined();
    expect(detectorModel('toString')).toBeUndefined();
  });

  it("checks options as the detector's factory does, naming the detector and the field", () => {
    expect(() => detectorModel('mad', { windowSamples: 2 })).toThrowError(
      expect.objectContaining({
        code: 'ERR_PLUGIN_OPTIONS',
        message: expect.stringMatching(/mad[\s\S]*windowSamples/),
      }),
    );
    expect(() => detectorModel('ensemble', { nonsense: 1 })).toThrowError(
      expect.objectContaining({ code: 'ERR_PLUGIN_OPTIONS' }),
    );
  });

  it('reports its expected band at every sample, not only for findings, and two models do not share state', () => {
    const a = detectorModel('robust-z', { warmupSamples: 10 })!;
    const b = detectorModel('robust-z', { warmupSamples: 10 })!;
    const out = pointOut();
    for (let i = 0; i < 50; i++) a.update(0, i * 1000, 5 + (i % 2) * 0.1, out);
    expect(out.score).toBeLessThan(0.5);
    expect(out.expected).toBeCloseTo(5.05, 1);
    expect(out.lower).toBeLessThanOrEqual(5);
    expect(out.upper).toBeGreaterThanOrEqual(5.1);
    // b has seen nothing: its first sample is still warming up, with its own baseline at the value it is given
    b.update(0, 0, 100, out);
    expect(out.score).toBe(0);
    a.update(0, 50_000, 5, out);
    expect(out.expected).toBeCloseTo(5.05, 1);
  });
});
