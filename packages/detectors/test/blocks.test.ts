import { describe, expect, it } from 'vitest';
import { BlockPool } from '../src/util/blocks.js';

describe('BlockPool', () => {
  it('keeps every block its own across the first page growing and later pages', () => {
    const pool = new BlockPool(3, 4); // 16 blocks a page: the first grows 8 -> 12 -> 16, then pages of 16
    const n = 100;
    for (let i = 0; i < n; i++) {
      const k = pool.alloc();
      expect(k).toBe(i);
      const page = pool.page(k);
      const at = pool.offset(k);
      expect(Array.from(page.subarray(at, at + 3))).toEqual([0, 0, 0]);
      page.set([i, i + 0.5, -i], at);
    }
    expect(pool.blocks).toBe(n);
    for (let k = 0; k < n; k++) {
      const at = pool.offset(k);
      expect(Array.from(pool.page(k).subarray(at, at + 3))).toEqual([k, k + 0.5, -k]);
    }
    // blocks of different pages are different arrays; within one page they do not overlap
    expect(pool.page(15)).not.toBe(pool.page(16));
    expect(pool.offset(16)).toBe(0);
    expect(pool.offset(17)).toBe(3);
  });
});
