import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigurationError, memoryStore, type StoredToken } from '@m2m-auth/core';

const entry = (value: string): StoredToken => ({
  value,
  type: 'Bearer',
  expiresAt: Date.now() + 60_000,
  refreshAt: Date.now() + 50_000,
  scope: undefined,
});

afterEach(() => {
  vi.useRealTimers();
});

describe('memoryStore', () => {
  it('stores, and expires entries after their ttl', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const store = memoryStore();
    await store.set('k', entry('a'), 1000);
    expect((await store.get('k'))?.value).toBe('a');
    vi.setSystemTime(Date.now() + 1001);
    expect(await store.get('k')).toBeUndefined();
  });

  it('deletes by compare-and-delete when given a value', async () => {
    const store = memoryStore();
    await store.set('k', entry('new'), 60_000);
    expect(await store.delete('k', 'old')).toBe(false);
    expect((await store.get('k'))?.value).toBe('new');
    expect(await store.delete('k', 'new')).toBe(true);
    expect(await store.get('k')).toBeUndefined();
    await store.set('k', entry('x'), 60_000);
    expect(await store.delete('k')).toBe(true);
  });

  it('evicts the oldest entries beyond maxEntries', async () => {
    const store = memoryStore({ maxEntries: 2 });
    await store.set('a', entry('a'), 60_000);
    await store.set('b', entry('b'), 60_000);
    await store.set('c', entry('c'), 60_000);
    expect(await store.get('a')).toBeUndefined();
    expect((await store.get('b'))?.value).toBe('b');
    expect((await store.get('c'))?.value).toBe('c');
  });

  it('validates maxEntries', () => {
    expect(() => memoryStore({ maxEntries: 0 })).toThrow(ConfigurationError);
    expect(() => memoryStore({ maxEntries: 0 })).toThrow(/maxEntries/);
  });
});
