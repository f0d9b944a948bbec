/**
 * Redis Cluster: a one-node cluster (every slot on one redis-server in cluster mode, which still
 * refuses commands that cross slots) and the cluster clients of both libraries.
 */
import type { StoredToken } from '@m2m-auth/core';
import { entryNames, redisTokenStore, type RedisClientLike } from '@m2m-auth/redis';
import { Cluster } from 'ioredis';
import { createCluster } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let redis: RedisServer;

beforeAll(async () => {
  const cluster = ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf'];
  // One node learns its own address from its peers; with none, it has to be told.
  redis = await startRedisServer({ args: [...cluster, '--cluster-announce-ip', '127.0.0.1'] });
  await redis.command('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
  for (let i = 0; i < 200 && !(await redis.command('CLUSTER', 'INFO')).includes('cluster_state:ok'); i++) {
    await sleep(50);
  }
});
afterAll(async () => {
  await redis?.stop();
});

/** The slot Redis Cluster puts `key` in. */
async function slot(key: string): Promise<number> {
  return Number((await redis.command('CLUSTER', 'KEYSLOT', key)).slice(1));
}

const clusters: [string, () => Promise<{ client: RedisClientLike; close: () => Promise<void> }>][] = [
  [
    'node-redis createCluster',
    async () => {
      const client = createCluster({ rootNodes: [{ url: redis.url }] });
      client.on('error', () => undefined);
      await client.connect();
      return { client, close: async () => client.destroy() };
    },
  ],
  [
    'ioredis Cluster',
    async () => {
      const client = new Cluster([{ host: '127.0.0.1', port: redis.port }], {
        clusterRetryStrategy: () => 100,
      });
      client.on('error', () => undefined);
      await new Promise((resolve) => client.once('ready', resolve));
      return { client, close: async () => client.disconnect() };
    },
  ],
];

describe('Redis Cluster', () => {
  it('the keys and channel of one entry share a slot', async () => {
    const names = entryNames('m2m-auth:', 'm2m-auth:cc:0123abcd');
    const slots = await Promise.all([names.token, names.lock, names.channel].map(slot));
    expect(new Set(slots).size).toBe(1);
    expect(await slot(entryNames('m2m-auth:', 'm2m-auth:cc:other').token)).not.toBe(slots[0]);
  });

  it.each(clusters)('the store works through %s', async (_, connect) => {
    const { client, close } = await connect();
    const store = redisTokenStore(client, { prefix: 'cluster:' });
    const other = redisTokenStore(client, { prefix: 'cluster:' });
    try {
      const key = `m2m-auth:cc:${Math.random().toString(36).slice(2)}`;
      const now = Date.now();
      const entry: StoredToken = {
        value: 'tok',
        type: 'Bearer',
        scope: 'a',
        expiresAt: now + 5000,
        refreshAt: now + 4000,
      };
      const release = await store.lock(key, 5000);
      expect(release).toBeTypeOf('function');
      expect(await other.lock(key, 5000)).toBeUndefined();
      await other.waitFor(key, 2000); // subscribes
      await other.get(key);
      const woke = other.waitFor(key, 3000).then(() => Date.now());
      await store.set(key, entry, 5000);
      const stored = Date.now();
      expect((await woke) - stored).toBeLessThan(200);
      await release!();
      expect(await other.get(key)).toEqual(entry);
      expect(await store.delete(key, 'not it')).toBe(false);
      expect(await store.delete(key, 'tok')).toBe(true);
      expect(await other.get(key)).toBeUndefined();
      expect(store.available && other.available).toBe(true);
    } finally {
      await store.close();
      await other.close();
      await close();
    }
  });
});
