/**
 * `waitFor`, the seam the token cache's lock wait will use instead of its 50 ms polling: it wakes on
 * another replica's publish within milliseconds, and is bounded by its timeout whatever Redis does.
 */
import type { StoredToken } from '@m2m-auth/core';
import { redisTokenStore, type RedisTokenStore } from '@m2m-auth/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLIENT_KINDS,
  connectRedisClient,
  startRedisServer,
  type ConnectedClient,
  type RedisServer,
} from '../support/redis-server.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function tokenFor(lifetime: number): StoredToken {
  const now = Date.now();
  const value = `tok-${Math.random().toString(36).slice(2)}`;
  return {
    value,
    type: 'Bearer',
    scope: undefined,
    expiresAt: now + lifetime,
    refreshAt: now + lifetime / 2,
  };
}

/**
 * The wait for another replica's token as the cache will run it with the seam: read; on a miss, wait
 * for a change (at most what is left); read again. Resolves with the entry, or `undefined` at `deadline`.
 */
async function waitForEntry(store: RedisTokenStore, key: string, deadline: number) {
  for (;;) {
    const entry = await store.get(key);
    if (entry) return entry;
    const left = deadline - Date.now();
    if (left <= 0) return undefined;
    await store.waitFor(key, left);
  }
}

async function timed(promise: Promise<unknown>): Promise<number> {
  const started = Date.now();
  await promise;
  return Date.now() - started;
}

describe.each(CLIENT_KINDS)('waitFor on %s', (kind) => {
  let redis: RedisServer;
  let connections: ConnectedClient[];
  let waiter: RedisTokenStore;
  let writer: RedisTokenStore;

  beforeAll(async () => {
    redis = await startRedisServer();
    connections = await Promise.all([
      connectRedisClient(kind, redis.url),
      connectRedisClient(kind, redis.url),
    ]);
    waiter = redisTokenStore(connections[0]!.client, {
      prefix: 'wait:',
      commandTimeout: 100,
      retryInterval: 100,
    });
    writer = redisTokenStore(connections[1]!.client, { prefix: 'wait:' });
  });
  afterAll(async () => {
    await waiter?.close();
    await writer?.close();
    await Promise.all((connections ?? []).map((c) => c.close()));
    await redis?.stop();
  });

  it('wakes a replica waiting for a token within milliseconds of another replica storing it', async () => {
    const key = `m2m-auth:cc:wake-${kind}`;
    await waiter.waitFor(key, 2000); // the first wait subscribes to the entry's channel
    const latencies: number[] = [];
    for (let i = 0; i < 10; i++) {
      await writer.delete(key);
      await sleep(10);
      const entry = tokenFor(10_000);
      const seen = waitForEntry(waiter, key, Date.now() + 5000).then((e) => ({ e, at: Date.now() }));
      await sleep(20 + i * 3);
      const stored = Date.now();
      await writer.set(key, entry, 10_000);
      const { e, at } = await seen;
      expect(e?.value).toBe(entry.value);
      latencies.push(at - stored);
    }
    latencies.sort((a, b) => a - b);
    console.info(
      `${kind}: waitFor saw another replica's token ${latencies.join(', ')} ms after it was stored`,
    );
    expect(latencies[latencies.length - 1]).toBeLessThan(100);
    expect(latencies[4]).toBeLessThan(25); // the median beats 50 ms polling's average
  });

  it('is bounded: nothing changes, it returns after its timeout; the wait loop gives up at its deadline', async () => {
    const key = `m2m-auth:cc:quiet-${kind}`;
    await waiter.waitFor(key, 2000);
    await waiter.get(key);
    const waited = await timed(waiter.waitFor(key, 300));
    expect(waited).toBeGreaterThanOrEqual(295);
    expect(waited).toBeLessThan(450);
    const deadline = Date.now() + 400;
    expect(await waitForEntry(waiter, key, deadline)).toBeUndefined();
    expect(Date.now() - deadline).toBeLessThan(150);
  });

  it('is bounded whatever Redis does: paused or killed, it resolves by its timeout and never rejects', async () => {
    const key = `m2m-auth:cc:faults-${kind}`;
    await waiter.waitFor(key, 2000);
    await waiter.get(key);
    redis.pause();
    try {
      expect(await timed(waiter.waitFor(key, 300))).toBeLessThan(450);
      // The loop reads (a timeout: Redis unavailable), then waits at most the poll interval at a time.
      expect(await waitForEntry(waiter, key, Date.now() + 500)).toBeUndefined();
    } finally {
      redis.resume();
    }
    await redis.kill();
    await expect(waiter.waitFor(key, 200)).resolves.toBeUndefined();
    expect(await waitForEntry(waiter, key, Date.now() + 300)).toBeUndefined();
    await redis.restart();
    // Back: once the store sees Redis again, a waiter wakes on the next publish.
    const deadline = Date.now() + 5000;
    const entry = tokenFor(10_000);
    const seen = waitForEntry(waiter, key, deadline);
    await sleep(400);
    await writer.set(key, entry, 10_000);
    expect((await seen)?.value).toBe(entry.value);
    expect(Date.now()).toBeLessThan(deadline);
  });
});
