// The suites must catch real bugs: each case builds a plugin with one known defect and runs the one check
// that should notice it, expecting that check to fail (and, as a control, to pass on a correct plugin).
import { API_VERSION, type Sink, type Source } from '@argus/core';
import { describe, expect, it } from 'vitest';
import {
  alerterChecks,
  type ContractCheck,
  detectorChecks,
  memorySink,
  processorChecks,
  runCheck,
  sinkChecks,
  sourceChecks,
} from './imports.js';
import { ewmaDetector, scaleProcessor, thresholdAlerter } from './reference.js';

function pick(checks: readonly ContractCheck[], fragment: string): ContractCheck {
  const found = checks.find((c) => c.name.includes(fragment));
  if (!found)
    throw new Error(`no check named like "${fragment}" in: ${checks.map((c) => c.name).join(' | ')}`);
  return found;
}

function sinkWith(overrides: Partial<Sink>): () => Sink {
  return () => ({ ...memorySink({ name: 'buggy', accepts: ['metrics'] }), ...overrides });
}

describe('the sink suite catches', () => {
  it('a sink that keeps accepting writes after stop', async () => {
    const buggy = sinkWith({ write: () => ({ ok: true }) });
    await expect(runCheck(pick(sinkChecks(buggy), 'write after stop'))).rejects.toThrow(/ok: false/);
    await expect(runCheck(pick(sinkChecks(sinkWith({})), 'write after stop'))).resolves.toBeUndefined();
  });

  it('a sink that throws from write after stop instead of returning a result', async () => {
    let stopped = false;
    const buggy = sinkWith({
      stop: () => void (stopped = true),
      write: () => {
        if (stopped) throw new Error('closed');
        return { ok: true };
      },
    });
    await expect(runCheck(pick(sinkChecks(buggy), 'write after stop'))).rejects.toThrow(/threw/);
  });

  it('a sink that leaks an unhandled rejection, and restores the other listeners afterwards', async () => {
    const before = process.listeners('unhandledRejection');
    const buggy = sinkWith({
      write: () => {
        void Promise.reject(new Error('leaked from write'));
        return { ok: true };
      },
    });
    await expect(runCheck(pick(sinkChecks(buggy), 'exact counts'))).rejects.toThrow(
      /went unhandled.*leaked/s,
    );
    expect(process.listeners('unhandledRejection')).toEqual(before);
  });

  it('a sink whose stop ignores its deadline signal', async () => {
    const buggy = sinkWith({ stop: () => new Promise<void>(() => undefined) });
    await expect(runCheck(pick(sinkChecks(buggy), 'deadline'))).rejects.toThrow(/did not settle/);
  });

  it('a sink that modifies the batch it writes', async () => {
    const buggy = sinkWith({
      write: (b) => {
        if (b.kind === 'metrics') b.values.fill(0);
        return { ok: true };
      },
    });
    await expect(runCheck(pick(sinkChecks(buggy), 'does not modify'))).rejects.toThrow();
  });

  it('a hook the capabilities do not declare, and a wrong apiVersion', async () => {
    const undeclared = sinkWith({ flush: () => undefined });
    await expect(runCheck(pick(sinkChecks(undeclared), 'has kind'))).rejects.toThrow(/capabilities\.flush/);
    const old = (): Sink => ({ ...memorySink(), apiVersion: 2 as unknown as typeof API_VERSION });
    await expect(runCheck(pick(sinkChecks(old), 'has kind'))).rejects.toThrow();
  });

  it('bad options that are not rejected, or rejected without ERR_PLUGIN_OPTIONS', async () => {
    const lax = sinkChecks(sinkWith({}), { badOptions: () => memorySink() });
    await expect(runCheck(pick(lax, 'bad options'))).rejects.toThrow(/must throw/);
    const plain = sinkChecks(sinkWith({}), {
      badOptions: () => {
        throw new Error('bad');
      },
    });
    await expect(runCheck(pick(plain, 'bad options'))).rejects.toThrow(/ERR_PLUGIN_OPTIONS/);
  });
});

describe('the processor, detector and alerter suites catch', () => {
  it('a processor that modifies its input arrays', async () => {
    const checks = processorChecks(() => scaleProcessor({ factor: 3, inPlace: true }));
    await expect(runCheck(pick(checks, 'does not modify'))).rejects.toThrow(/input batch/);
    const good = processorChecks(() => scaleProcessor({ factor: 3 }));
    await expect(runCheck(pick(good, 'does not modify'))).resolves.toBeUndefined();
  });

  it('a processor that cannot take an empty batch', async () => {
    const checks = processorChecks(() => ({
      ...scaleProcessor({ factor: 1 }),
      process: (b) => {
        if (b.length === 0) throw new Error('empty');
        return b;
      },
    }));
    await expect(runCheck(pick(checks, 'empty batch'))).rejects.toThrow(/empty/);
  });

  it('a detector reporting scores above 1', async () => {
    const checks = detectorChecks(() => ewmaDetector({ scoreScale: 5 }));
    await expect(runCheck(pick(checks, 'scores in [0,1]'))).rejects.toThrow(/score must be in \[0,1\]/);
  });

  it('a detector keying its snapshot by series id instead of fingerprint', async () => {
    const opts = { capabilities: { snapshot: true } };
    const buggy = detectorChecks(() => ewmaDetector({ keyBy: 'id' }), opts);
    await expect(runCheck(pick(buggy, 'snapshot → restore'))).rejects.toThrow();
    const good = detectorChecks(() => ewmaDetector({}), opts);
    await expect(runCheck(pick(good, 'snapshot → restore'))).resolves.toBeUndefined();
  });

  it('a detector that throws on NaN', async () => {
    const checks = detectorChecks(() => {
      const d = ewmaDetector({});
      return {
        ...d,
        detect: (b, ctx) => {
          if (b.values.some(Number.isNaN)) throw new Error('NaN!');
          return d.detect!(b, ctx);
        },
      };
    });
    await expect(runCheck(pick(checks, 'NaN'))).rejects.toThrow(/NaN!/);
  });

  it('an alerter emitting a fingerprint that does not match its labels', async () => {
    const checks = alerterChecks(() => thresholdAlerter({ above: 50, badFingerprint: true }));
    await expect(runCheck(pick(checks, 'valid alerts'))).rejects.toThrow(/fingerprint/);
  });
});

describe('the source suite catches', () => {
  it('listen() that blocks until stop', async () => {
    const blocking = (): Source => {
      let release = (): void => undefined;
      return {
        kind: 'source',
        name: 'blocking',
        apiVersion: API_VERSION,
        listen: () => new Promise<void>((r) => (release = r)),
        stop: () => release(),
      };
    };
    const checks = sourceChecks(blocking, { capabilities: { listen: true } });
    await expect(runCheck(pick(checks, 'listen() returns promptly'))).rejects.toThrow(/must register/);
  });
});
