import { type StateStore, scopedStateStore } from '@argus/core';
import { expect } from 'vitest';
import { type ContractCheck, registerSuite, type SuiteOptions } from './check.js';

/** A store under test; `close` (when the store has one) is called after each case. */
type Closable = StateStore & { close?(): Promise<void> | void };

/** Options of {@link testStateStore}. */
export interface StateStoreSuiteOptions
  extends Omit<SuiteOptions<unknown>, 'badOptions' | 'optionsErrorPlugin'> {
  /**
   * Opens a second store over the same backing data as the last one `factory` made (the same directory, the same
   * Redis and key prefix), as a restarted process would. Given, the suite checks that what one instance wrote the
   * next one reads.
   */
  reopen?: () => Closable | Promise<Closable>;
}

const VALUES: readonly [string, unknown][] = [
  ['object', { a: 1, nested: { list: [1, 'two', null, true] }, text: 'ünïcødé ✓ "quoted" \n' }],
  ['array', [0, -1.5, 1e300, 'x']],
  ['number', 42],
  ['zero', 0],
  ['string', ''],
  ['boolean', false],
  ['null', null],
];

async function using<T>(
  make: () => Closable | Promise<Closable>,
  fn: (s: Closable) => Promise<T>,
): Promise<T> {
  const store = await make();
  try {
    return await fn(store);
  } finally {
    await store.close?.();
  }
}

/** The state-store contract as a list of checks (see {@link testStateStore}). */
export function stateStoreChecks(
  factory: () => Closable | Promise<Closable>,
  options: StateStoreSuiteOptions = {},
): ContractCheck[] {
  const checks: ContractCheck[] = [
    {
      name: 'get answers undefined for a key never written, and list() is empty at first',
      run: () =>
        using(factory, async (s) => {
          expect(typeof s.location, 'location names where the state lives').toBe('string');
          expect(await s.get('never/written')).toBeUndefined();
          expect(await s.list()).toEqual([]);
        }),
    },
    {
      name: 'put then get gives back every kind of JSON value, equal and not the same object',
      run: () =>
        using(factory, async (s) => {
          for (const [key, value] of VALUES) await s.put(`v/${key}`, value);
          for (const [key, value] of VALUES) expect(await s.get(`v/${key}`), key).toEqual(value);
          const obj = { n: 1, list: [1] };
          await s.put('copy', obj);
          obj.n = 2;
          obj.list.push(2);
          const read = await s.get<{ n: number; list: number[] }>('copy');
          expect(read, 'mutating after put changes nothing stored').toEqual({ n: 1, list: [1] });
          read!.n = 3;
          expect(await s.get('copy'), 'mutating what get returned changes nothing stored').toEqual({
            n: 1,
            list: [1],
          });
        }),
    },
    {
      name: 'put replaces, delete removes, deleting a missing key is no error',
      run: () =>
        using(factory, async (s) => {
          await s.put('k', { v: 1 });
          await s.put('k', { v: 2 });
          expect(await s.get('k')).toEqual({ v: 2 });
          await s.delete('k');
          expect(await s.get('k')).toBeUndefined();
          expect(await s.list()).toEqual([]);
          await s.delete('k');
          await s.delete('never');
        }),
    },
    {
      name: 'list(prefix) gives exactly the keys that start with it, sorted; list() gives all',
      run: () =>
        using(factory, async (s) => {
          const keys = ['b/2', 'a/1', 'a/10', 'a/2', 'ab', 'a', 'c/ä', 'c/z'];
          for (const k of keys) await s.put(k, k);
          expect(await s.list()).toEqual([...keys].sort());
          expect(await s.list('a/')).toEqual(['a/1', 'a/10', 'a/2']);
          expect(await s.list('a')).toEqual(['a', 'a/1', 'a/10', 'a/2', 'ab']);
          expect(await s.list('c/')).toEqual(['c/z', 'c/ä']);
          expect(await s.list('zzz')).toEqual([]);
          await s.delete('a/10');
          expect(await s.list('a/')).toEqual(['a/1', 'a/2']);
        }),
    },
    {
      name: 'keys a store cannot hold are refused: empty, or longer than 400 characters',
      run: () =>
        using(factory, async (s) => {
          await expect(s.put('', 1)).rejects.toThrow(/key/);
          await expect(s.put('x'.repeat(401), 1)).rejects.toThrow(/key/);
          const long = `long/${'é'.repeat(395)}`;
          await s.put(long, 1);
          expect(await s.get(long)).toBe(1);
          expect(await s.list('long/'), 'a long key is listed as it was written').toEqual([long]);
          await s.delete(long);
          expect(await s.list()).toEqual([]);
        }),
    },
    {
      name: 'concurrent puts all land; the last put of one key wins',
      run: () =>
        using(factory, async (s) => {
          await Promise.all(
            Array.from({ length: 50 }, (_, i) => s.put(`many/${String(i).padStart(2, '0')}`, i)),
          );
          const keys = await s.list('many/');
          expect(keys).toHaveLength(50);
          for (const [i, k] of keys.entries()) expect(await s.get(k)).toBe(i);
          for (let i = 0; i < 20; i++) await s.put('same', i);
          expect(await s.get('same')).toBe(19);
        }),
    },
    {
      name: "scoped views (each plugin's) see only their own keys",
      run: () =>
        using(factory, async (s) => {
          const a = scopedStateStore(s, 'detector-a');
          const b = scopedStateStore(s, 'detector-b');
          await a.put('baseline', { mean: 1 });
          await b.put('baseline', { mean: 2 });
          expect(await a.get('baseline')).toEqual({ mean: 1 });
          expect(await b.list()).toEqual(['baseline']);
          expect(await s.list()).toEqual(['detector-a/baseline', 'detector-b/baseline']);
        }),
    },
    {
      name: 'putJsonChunks (when the store has it) stores what put would for the joined text, scoped views too',
      run: () =>
        using(factory, async (s) => {
          if (!s.putJsonChunks) return;
          for (const [key, value] of VALUES) {
            const text = JSON.stringify(value);
            const cut = Math.floor(text.length / 2);
            await s.putJsonChunks(`j/${key}`, [text.slice(0, cut), '', text.slice(cut)]);
          }
          for (const [key, value] of VALUES) expect(await s.get(`j/${key}`), key).toEqual(value);
          await expect(s.putJsonChunks('', ['1'])).rejects.toThrow(/key/);
          const scoped = scopedStateStore(s, 'det');
          await scoped.putJsonChunks?.('snapshot', ['{"version":1,', '"series":{"é":[1]}}']);
          expect(await s.get('det/snapshot')).toEqual({ version: 1, series: { é: [1] } });
        }),
    },
  ];
  const reopen = options.reopen;
  if (reopen) {
    checks.push({
      name: 'what one instance wrote, the next instance over the same data reads (a restart loses nothing)',
      run: async () => {
        await using(factory, async (s) => {
          await s.put('alerts/journal', { seq: 7, firing: ['a', 'b'] });
          await s.put('gone', 1);
          await s.delete('gone');
        });
        await using(reopen, async (s) => {
          expect(await s.get('alerts/journal')).toEqual({ seq: 7, firing: ['a', 'b'] });
          expect(await s.get('gone')).toBeUndefined();
          expect(await s.list()).toEqual(['alerts/journal']);
        });
      },
    });
  }
  return checks;
}

/**
 * Registers the contract every {@link StateStore} keeps (what detectors and the alert manager rely on to resume
 * after a restart): JSON values round-trip as copies, put replaces, delete is idempotent, list(prefix) is exact
 * and sorted, bad keys are refused, concurrent puts all land, scoped views stay apart, and (with `reopen`) a new
 * instance reads what the last one wrote. `factory` must return an EMPTY store each time.
 * @example
 * testStateStore(() => fileStateStore({ dir: mkdtempSync(join(tmpdir(), 's-')) }), { title: 'fileStateStore' });
 */
export function testStateStore(
  factory: () => Closable | Promise<Closable>,
  options: StateStoreSuiteOptions = {},
): void {
  registerSuite('state store', stateStoreChecks(factory, options), options, undefined);
}
