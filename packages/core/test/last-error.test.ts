// A plugin's last error in the pipeline's stats (health pages show it): the newest one, when, from which hook,
// without URL credentials; absent for a plugin that never failed.
import { describe, expect, it } from 'vitest';
import { API_VERSION, createPipeline, type Detector } from '../src/index.js';
import { LAST_ERROR_MAX_CHARS } from '../src/pipeline/stats.js';
import { collectSink, manualClock, pushSource, samples } from './helpers.js';

const quiet = { logger: { debug() {}, info() {}, warn() {}, error() {} } };

describe('pipeline stats: lastError', () => {
  it('holds each plugin’s newest error with its hook, code and time; credentials in URLs are cut', async () => {
    const { clock, advance } = manualClock(1_000_000);
    const src = pushSource();
    let calls = 0;
    const flaky: Detector = {
      kind: 'detector',
      name: 'flaky',
      apiVersion: API_VERSION,
      detect: () => {
        calls++;
        if (calls === 1) throw new Error('model at https://bob:hunter2@models.test/v1 refused');
        if (calls === 2) throw new Error('x'.repeat(2000));
        return [];
      },
    };
    const p = createPipeline({
      ...quiet,
      clock,
      sources: [src],
      detectors: [flaky],
      sinks: [collectSink('out')],
    });
    await p.start();
    expect(p.stats().plugins['flaky']?.lastError).toBeUndefined();
    await src.emit(samples([[1, 1000, 1]]));
    const first = p.stats().plugins['flaky']!.lastError!;
    expect(first).toMatchObject({ hook: 'detect', at: 1_000_000 });
    expect(first.code).toMatch(/^ERR_/);
    expect(first.message).toContain('https://<redacted>@models.test/v1 refused');
    expect(first.message).not.toContain('hunter2');
    await advance(5_000);
    await src.emit(samples([[1, 2000, 1]]));
    const second = p.stats().plugins['flaky']!.lastError!;
    expect(second.at).toBe(1_005_000);
    expect(second.message.length).toBeLessThanOrEqual(LAST_ERROR_MAX_CHARS);
    // a later success keeps the last error (it says what went wrong last, not what is wrong now)
    await src.emit(samples([[1, 3000, 1]]));
    expect(p.stats().plugins['flaky']!.lastError).toEqual(second);
    expect(p.stats().plugins['flaky']!.errors).toBe(2);
    // the snapshot is a copy
    (p.stats().plugins['flaky']!.lastError as { message: string }).message = 'changed';
    expect(p.stats().plugins['flaky']!.lastError).toEqual(second);
    expect(p.stats().plugins['push']?.lastError).toBeUndefined();
    await p.stop();
  });
});
