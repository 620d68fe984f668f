import { describe, expect, it } from 'vitest';
import { seriesSlots } from '../src/util/slots.js';

describe('seriesSlots', () => {
  it('keeps every series its own across the first page growing and later pages, ids in any order', () => {
    const slots = seriesSlots(3);
    const ids = [0, 5, 1023, 1024, 3000, 17, 2047, 40, 700];
    for (const id of ids) {
      const b = slots.slot(id);
      expect(Array.from(slots.data.subarray(b, b + 3))).toEqual([0, 0, 0]);
      slots.data.set([id, id + 0.5, -id], b);
    }
    for (const id of ids) expect(slots.save(id)).toEqual([id, id + 0.5, -id]);
    // in a page that does not exist: nothing to save, nothing found
    expect(slots.find(5000)).toBe(-1);
    expect(slots.save(5000)).toBeUndefined();
    // find points data at the series' page without making room
    const b = slots.find(1024);
    expect(b).toBe(0);
    expect(slots.data[b]).toBe(1024);
    slots.load(9000, [1, null, 3]);
    expect(slots.save(9000)).toEqual([1, 0, 3]);
  });
});
