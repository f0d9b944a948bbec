import type { StoredToken } from '@m2m-auth/core';
import { entryNames, redisTokenStore, type RedisStoreEvent } from '@m2m-auth/redis';
import { describe, expect, it } from 'vitest';
import { CLIENT_KINDS, connectRedisClient } from '../../../test/support/redis-server.js';
import { fakeCommands, never } from './support/fake-commands.js';
import { raw, useRedis } from './support/use-redis.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function tokenFor(lifetime: number, value = `tok-${Math.random().toString(36).slice(2)}`): StoredToken {
  const now = Date.now();
  return {
    value,
    type: 'Bearer',
    scope: 'read',
    expiresAt: now + lifetime,
    refreshAt: now + lifetime * 0.75,
  };
}

describe.each(CLIENT_KINDS)('redisTokenStore on %s', (kind) => {
  const redis = useRedis(kind);
  let n = 0;
  const fresh = () => `m2m-auth:cc:${kind}-${++n}`;
  const storeOf = (events: RedisStoreEvent[] = []) =>
    redisTokenStore(redis.client, { prefix: 'store:', onEvent: (e) => events.push(e) });
  const tokenKey = (key: string) => entryNames('store:', key).token;

  it('stores an entry that expires in Redis with the token, never later', async () => {
    const store = storeOf();
    const key = fresh();
    const entry = tokenFor(3000);
    await store.set(key, entry, 60_000); // a longer ttl than the token has: the token wins
    expect(await store.get(key)).toEqual(entry);
    const pttl = Number(await raw(redis.server, 'PTTL', tokenKey(key)));
    expect(pttl).toBeGreaterThan(2500);
    expect(pttl).toBeLessThanOrEqual(entry.expiresAt - Date.now() + 5);
    const shorter = fresh();
    await store.set(shorter, tokenFor(60_000), 1000);
    expect(Number(await raw(redis.server, 'PTTL', tokenKey(shorter)))).toBeLessThanOrEqual(1000);
  });

  it('does not store an expired token, and never hands out one Redis still holds', async () => {
    const store = storeOf();
    const key = fresh();
    await store.set(key, { ...tokenFor(1000), expiresAt: Date.now() - 1 }, 5000);
    expect(await raw(redis.server, 'EXISTS', tokenKey(key))).toBe('0');
    // Written by a replica whose clock runs behind: Redis keeps it, the store does not serve it.
    const stale = { ...tokenFor(1000), expiresAt: Date.now() - 10, refreshAt: Date.now() - 20 };
    await raw(redis.server, 'SET', tokenKey(key), `m2m1:p:${JSON.stringify(stale)}`, 'PX', '5000');
    expect(await store.get(key)).toBeUndefined();
  });

  it('shares entries between stores (replicas), and between the two client libraries', async () => {
    const key = fresh();
    const entry = tokenFor(5000);
    await storeOf().set(key, entry, 5000);
    const other = await connectRedisClient(kind === 'ioredis' ? 'node-redis' : 'ioredis', redis.server.url);
    try {
      expect(await redisTokenStore(other.client, { prefix: 'store:' }).get(key)).toEqual(entry);
    } finally {
      await other.close();
    }
  });

  it('deletes, and compare-and-deletes only the token it was given', async () => {
    const store = storeOf();
    const key = fresh();
    const entry = tokenFor(5000);
    await store.set(key, entry, 5000);
    expect(await store.delete(key, 'another token')).toBe(false);
    expect(await store.get(key)).toEqual(entry);
    expect(await store.delete(key, entry.value)).toBe(true);
    expect(await store.get(key)).toBeUndefined();
    await store.set(key, entry, 5000);
    expect(await store.delete(key)).toBe(true);
    expect(await store.delete(key)).toBe(false);
    expect(await store.delete(fresh(), 'x')).toBe(false);
  });

  it('reads garbage as a miss, served from the replica’s own copy when it has one; reports it once', async () => {
    const events: RedisStoreEvent[] = [];
    const store = storeOf(events);
    const key = fresh();
    expect(
      await (await raw(redis.server, 'SET', tokenKey(key), 'a bare token'), store.get(key)),
    ).toBeUndefined();
    const entry = tokenFor(5000);
    await store.set(key, entry, 5000);
    await raw(redis.server, 'SET', tokenKey(key), 'm2m1:p:{"value":');
    expect(await store.get(key)).toEqual(entry);
    expect(await store.get(key)).toEqual(entry);
    await raw(redis.server, 'DEL', tokenKey(key));
    await raw(redis.server, 'HSET', tokenKey(key), 'value', entry.value);
    expect(await store.get(key)).toEqual(entry);
    expect(await store.delete(key, entry.value)).toBe(false);
    expect(events).toEqual([
      { type: 'entry_rejected', key, reason: 'not_ours' },
      { type: 'entry_rejected', key, reason: 'malformed' },
      { type: 'entry_rejected', key, reason: 'wrong_type' },
    ]);
  });

  it('locks through Redis, and wakes waiters on another store’s change', async () => {
    const a = storeOf();
    const b = redisTokenStore(await redis.connect(), { prefix: 'store:' });
    const key = fresh();
    try {
      const release = await a.lock(key, 5000);
      expect(release).toBeTypeOf('function');
      expect(await b.lock(key, 5000)).toBeUndefined();
      await release!();
      expect(await b.get(key)).toBeUndefined();
      await b.waitFor(key, 2000); // subscribes
      expect(await b.get(key)).toBeUndefined();
      const woke = b.waitFor(key, 5000).then(() => Date.now());
      await sleep(20);
      const setAt = Date.now();
      await a.set(key, tokenFor(5000), 5000);
      expect((await woke) - setAt).toBeLessThan(200);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('redisTokenStore when Redis does not answer', () => {
  it('never rejects: bounded by commandTimeout, then the replica’s own cache, reported once, then Redis again', async () => {
    let answer: (args: readonly string[]) => unknown = () => null;
    const commands = fakeCommands((args) => answer(args));
    const events: RedisStoreEvent[] = [];
    const store = redisTokenStore(commands, {
      commandTimeout: 30,
      retryInterval: 100,
      onEvent: (e) => events.push(e),
    });
    const entry = tokenFor(5000);
    await store.set('k', entry, 5000);
    answer = never;
    const started = Date.now();
    expect(await store.get('k')).toEqual(entry);
    expect(Date.now() - started).toBeLessThan(300);
    expect(store.available).toBe(false);
    const later = tokenFor(5000);
    await store.set('k', later, 5000);
    expect(await store.get('k')).toEqual(later);
    const release = await store.lock('k', 1000);
    expect(release).toBeTypeOf('function'); // go alone, do not wait for a lock nobody can take
    await release!();
    expect(await store.delete('k', 'not it')).toBe(false);
    await expect(store.waitFor('k', 5000)).resolves.toBeUndefined();
    const sentWhileDown = commands.sent.length;
    expect(await store.get('k')).toEqual(later);
    expect(commands.sent.length).toBe(sentWhileDown); // no command until the next probe
    answer = (args) => (args[0] === 'GET' ? null : 'OK');
    await sleep(120);
    expect(await store.get('k')).toBeUndefined(); // Redis answers again: its answer counts
    expect(store.available).toBe(true);
    expect(events).toEqual([
      { type: 'redis_unavailable', operation: 'get', reason: 'timeout', detail: undefined },
      expect.objectContaining({ type: 'redis_recovered', operation: 'get' }),
    ]);
    expect(JSON.stringify(events)).not.toContain(entry.value);
  });

  it('concurrent reads of one key share one GET', async () => {
    const commands = fakeCommands(() => null);
    const store = redisTokenStore(commands);
    await Promise.all(Array.from({ length: 50 }, () => store.get('k')));
    expect(commands.sent).toEqual([['GET', 'm2m-auth:{k}:token']]);
    await store.get('k');
    expect(commands.sent).toHaveLength(2);
  });

  it('refuses bad options and clients when created', () => {
    expect(() =>
      redisTokenStore(
        fakeCommands(() => null),
        { commandTimeout: -1 },
      ),
    ).toThrow('commandTimeout');
    expect(() => redisTokenStore({} as never)).toThrow('client must be');
  });
});
