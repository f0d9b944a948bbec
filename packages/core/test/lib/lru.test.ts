import { describe, expect, it } from 'vitest';
import { ExpiringLru } from '../../src/lib/lru.js';

describe('ExpiringLru', () => {
  it('evicts the least recently set entry first', () => {
    const lru = new ExpiringLru<string, number>(2);
    lru.set('a', 1, 1000);
    lru.set('b', 2, 1000);
    lru.set('c', 3, 1000);
    expect(lru.size).toBe(2);
    expect(lru.get('a', 0)).toBeUndefined();
    expect(lru.get('b', 0)).toBe(2);
    expect(lru.get('c', 0)).toBe(3);
  });

  it('counts a get as a use', () => {
    const lru = new ExpiringLru<string, number>(2);
    lru.set('a', 1, 1000);
    lru.set('b', 2, 1000);
    expect(lru.get('a', 0)).toBe(1);
    lru.set('c', 3, 1000);
    expect(lru.get('b', 0)).toBeUndefined();
    expect(lru.get('a', 0)).toBe(1);
  });

  it('counts setting an existing key as a use, without growing', () => {
    const lru = new ExpiringLru<string, number>(2);
    lru.set('a', 1, 1000);
    lru.set('b', 2, 1000);
    lru.set('a', 10, 1000);
    expect(lru.size).toBe(2);
    lru.set('c', 3, 1000);
    expect(lru.get('a', 0)).toBe(10);
    expect(lru.get('b', 0)).toBeUndefined();
  });

  it('never returns an entry at or after its expiry, and drops it', () => {
    const lru = new ExpiringLru<string, number>(5);
    lru.set('a', 1, 1000);
    expect(lru.get('a', 999)).toBe(1);
    expect(lru.get('a', 1000)).toBeUndefined();
    expect(lru.size).toBe(0);
    expect(lru.get('a', 0)).toBeUndefined();
  });

  it('stores nothing with a size of 0', () => {
    const lru = new ExpiringLru<string, number>(0);
    lru.set('a', 1, 1000);
    expect(lru.size).toBe(0);
    expect(lru.get('a', 0)).toBeUndefined();
  });

  it('deletes and clears', () => {
    const lru = new ExpiringLru<string, number>(3);
    lru.set('a', 1, 1000);
    lru.set('b', 2, 1000);
    lru.delete('a');
    expect(lru.get('a', 0)).toBeUndefined();
    lru.clear();
    expect(lru.size).toBe(0);
  });

  it('stays bounded under a flood of distinct keys', () => {
    const lru = new ExpiringLru<number, number>(100);
    for (let i = 0; i < 10_000; i++) lru.set(i, i, 1000);
    expect(lru.size).toBe(100);
    expect(lru.get(9_999, 0)).toBe(9_999);
    expect(lru.get(9_899, 0)).toBeUndefined();
  });
});
