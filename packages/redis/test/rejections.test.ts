import type { RedisStoreEvent } from '@m2m-auth/redis';
import { describe, expect, it } from 'vitest';
import { Rejections } from '../src/rejections.js';

describe('Rejections', () => {
  it('reports a rejected key once per reason until a good read', () => {
    const events: RedisStoreEvent[] = [];
    const rejections = new Rejections((e) => events.push(e));
    rejections.reject('k', 'not_ours');
    rejections.reject('k', 'not_ours');
    rejections.reject('other', 'not_ours');
    rejections.reject('k', 'malformed');
    rejections.accept('k');
    rejections.reject('k', 'malformed');
    expect(events).toEqual([
      { type: 'entry_rejected', key: 'k', reason: 'not_ours' },
      { type: 'entry_rejected', key: 'other', reason: 'not_ours' },
      { type: 'entry_rejected', key: 'k', reason: 'malformed' },
      { type: 'entry_rejected', key: 'k', reason: 'malformed' },
    ]);
  });

  it('survives a listener that throws, and forgets the oldest keys beyond 1000', () => {
    let calls = 0;
    const rejections = new Rejections(() => {
      calls++;
      throw new Error('listener');
    });
    for (let i = 0; i <= 1000; i++) rejections.reject(`k${i}`, 'not_ours');
    rejections.reject('k0', 'not_ours'); // forgotten: news again
    rejections.reject('k1000', 'not_ours'); // remembered
    expect(calls).toBe(1002);
  });
});
