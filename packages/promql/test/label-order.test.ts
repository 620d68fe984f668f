// Label names are sorted by hand for the sort keys and label keys (Array#sort allocated a work space per label set):
// checked here against a reference built on Array#sort, so a mistake shared by the engine's own comparators shows.
import { describe, expect, it } from 'vitest';
import { sortByLabels } from '../src/engine/sort-in-slices.js';
import { compareLabels, labelsKey } from '../src/engine/values.js';
import type { Scheduler } from '../src/index.js';
import { TimeSlice } from '../src/time-slice.js';

const never: Scheduler = { shouldYield: () => false, yield: async () => {} };

/** Prometheus's order written out with Array#sort: sorted (name, value) pairs, compared pair by pair. */
function reference(a: Record<string, string>, b: Record<string, string>): number {
  const an = Object.keys(a).sort();
  const bn = Object.keys(b).sort();
  for (let i = 0; i < Math.min(an.length, bn.length); i++) {
    if (an[i] !== bn[i]) return an[i]! < bn[i]! ? -1 : 1;
    const x = a[an[i]!]!;
    const y = b[bn[i]!]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return an.length - bn.length;
}

function labelSets(seed: number, count: number, maxNames: number): Record<string, string>[] {
  let state = seed;
  const rand = (n: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return Math.floor((state / 2_147_483_648) * n);
  };
  // names in many insertion orders, some sharing prefixes, more of them than the hand sort takes (24)
  const names = ['__name__', 'a', 'a_b', 'ab', 'B', 'b', 'job', 'j', 'Z', '_'];
  for (let i = 0; i < 30; i++) names.push(`n${i}`);
  const values = ['', 'a', 'a\x00', 'a\x01', 'ab', 'b', 'é', '\uffff', '10', '9'];
  return Array.from({ length: count }, () => {
    const l: Record<string, string> = {};
    for (let k = rand(maxNames); k >= 0; k--) l[names[rand(names.length)]!] = values[rand(values.length)]!;
    return l;
  });
}

const contents = (l: Record<string, string>) => JSON.stringify(Object.entries(l).sort());

describe('label names sorted by hand', () => {
  for (const maxNames of [4, 12, 40]) {
    it(`orders label sets as Array#sort does (up to ${maxNames} names)`, async () => {
      const sets = labelSets(maxNames, 2_000, maxNames);
      const expected = [...sets].sort(reference).map(contents);
      expect([...sets].sort(compareLabels).map(contents)).toEqual(expected);
      const sorted = await sortByLabels([...sets], (l) => l, new TimeSlice(never));
      expect(sorted.map(contents)).toEqual(expected);
    });
  }

  it('keys label sets by their sorted names, whatever order the names were added in', () => {
    for (const l of labelSets(5, 500, 40)) {
      const names = Object.keys(l).sort();
      const reversed: Record<string, string> = {};
      for (const n of [...names].reverse()) reversed[n] = l[n]!;
      const want = names.map((n) => `${n}\xff${l[n]}\xfe`).join('');
      expect(labelsKey(l)).toBe(want);
      expect(labelsKey(reversed)).toBe(want);
    }
  });
});
