import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileStateStore, memoryStateStore, type StateStore } from '@argus/core';
import { afterAll, describe, expect, it } from 'vitest';
import { runCheck, stateStoreChecks, testStateStore } from '../src/index.js';

const dirs: string[] = [];
let lastDir = '';
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const freshDir = (): string => {
  lastDir = mkdtempSync(join(tmpdir(), 'argus-state-contract-'));
  dirs.push(lastDir);
  return lastDir;
};

testStateStore(memoryStateStore, { title: 'memoryStateStore' });
testStateStore(() => fileStateStore({ dir: freshDir(), fsync: false }), {
  title: 'fileStateStore',
  reopen: () => fileStateStore({ dir: lastDir, fsync: false }),
});

// a store that hands out the objects it keeps: callers can change stored state behind its back
function sharingStore(): StateStore {
  const data = new Map<string, unknown>();
  return {
    location: 'sharing',
    get: async <T>(k: string) => data.get(k) as T | undefined,
    put: async (k, v) => {
      if (k.length === 0 || k.length > 400) throw new RangeError('bad key');
      data.set(k, v);
    },
    delete: async (k) => void data.delete(k),
    list: async (p = '') => [...data.keys()].filter((k) => k.startsWith(p)).sort(),
  };
}

// a store whose list() is in insertion order, not sorted
function unsortedStore(): StateStore {
  const inner = memoryStateStore();
  const order: string[] = [];
  return {
    ...inner,
    put: async (k, v) => {
      await inner.put(k, v);
      if (!order.includes(k)) order.push(k);
    },
    delete: async (k) => {
      await inner.delete(k);
      order.splice(order.indexOf(k) >>> 0, order.includes(k) ? 1 : 0);
    },
    list: async (p = '') => order.filter((k) => k.startsWith(p)),
  };
}

describe('the state-store contract catches broken stores', () => {
  const check = (name: RegExp, factory: () => StateStore) =>
    stateStoreChecks(factory).find((c) => name.test(c.name))!;

  it('a store that shares stored objects with callers fails the copy check', async () => {
    await expect(runCheck(check(/every kind of JSON value/, sharingStore))).rejects.toThrow(/mutating/);
  });

  it('a store whose list() is not sorted fails the list check', async () => {
    await expect(runCheck(check(/list\(prefix\)/, unsortedStore))).rejects.toThrow();
  });

  it('a store that forgets everything between instances fails the reopen check', async () => {
    const reopen = stateStoreChecks(memoryStateStore, { reopen: memoryStateStore }).at(-1)!;
    await expect(runCheck(reopen)).rejects.toThrow();
  });
});
