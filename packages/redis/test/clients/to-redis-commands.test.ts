import { ConfigurationError } from '@m2m-auth/core';
import { RedisReplyError, toRedisCommands, type RedisClientLike, type RedisCommands } from '@m2m-auth/redis';
import { Cluster, Redis } from 'ioredis';
import { createClient, createCluster } from 'redis';
import { describe, expect, it } from 'vitest';
import { CLIENT_KINDS } from '../../../../test/support/redis-server.js';
import { useRedis } from '../support/use-redis.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const options = () => ({ key: undefined, signal: new AbortController().signal });

describe('toRedisCommands', () => {
  it('recognizes each client kind without connecting', () => {
    const clients: RedisClientLike[] = [
      createClient(),
      createCluster({ rootNodes: [{ url: 'redis://127.0.0.1:1' }] }),
      new Redis({ lazyConnect: true }),
      new Cluster([{ host: '127.0.0.1', port: 1 }], { lazyConnect: true }),
    ];
    for (const client of clients) {
      const commands = toRedisCommands(client);
      expect(commands.send).toBeTypeOf('function');
      expect(commands.subscribe).toBeTypeOf('function');
    }
  });

  it('takes RedisCommands as they are', () => {
    const commands: RedisCommands = { send: () => Promise.resolve('PONG') };
    expect(toRedisCommands(commands)).toBe(commands);
  });

  it('refuses anything else with a ConfigurationError', () => {
    for (const bad of [null, undefined, 'redis://127.0.0.1', {}, { get: () => null }]) {
      expect(() => toRedisCommands(bad as never)).toThrow(ConfigurationError);
    }
    expect(() => toRedisCommands({} as never)).toThrow(
      'client must be a node-redis client or cluster, an ioredis Redis or Cluster, or RedisCommands',
    );
  });
});

describe.each(CLIENT_KINDS)('the %s adapter', (kind) => {
  const redis = useRedis(kind);

  it('sends commands and decodes replies', async () => {
    const commands = toRedisCommands(redis.client);
    expect(await commands.send(['SET', 'a:k', 'v', 'NX', 'PX', '5000'], options())).toBe('OK');
    expect(await commands.send(['SET', 'a:k', 'v', 'NX', 'PX', '5000'], options())).toBeNull();
    expect(await commands.send(['GET', 'a:k'], options())).toBe('v');
    expect(await commands.send(['EVAL', 'return 7', '1', 'a:k'], options())).toBe(7);
    expect(await commands.send(['GET', 'a:none'], options())).toBeNull();
  });

  it('rejects with RedisReplyError for an error reply', async () => {
    const commands = toRedisCommands(redis.client);
    await commands.send(['HSET', 'a:h', 'f', 'v'], options());
    const err = await commands.send(['GET', 'a:h'], options()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedisReplyError);
    expect(err).toMatchObject({ replyCode: 'WRONGTYPE' });
    const noScript = await commands
      .send(['EVALSHA', 'f'.repeat(40), '0'], options())
      .catch((e: unknown) => e);
    expect(noScript).toMatchObject({ replyCode: 'NOSCRIPT' });
  });

  it('subscribes on a connection of its own, and closes only that one', async () => {
    const commands = toRedisCommands(redis.client);
    const messages: string[] = [];
    await commands.subscribe!('a:channel', (message) => messages.push(message));
    expect(commands.subscriptionsReady!()).toBe(true);
    await commands.send(['PUBLISH', 'a:channel', 'set'], options());
    await sleep(50);
    expect(messages).toEqual(['set']);
    await commands.unsubscribe!('a:channel');
    await commands.send(['PUBLISH', 'a:channel', 'delete'], options());
    await sleep(50);
    expect(messages).toEqual(['set']);
    await commands.close!();
    expect(commands.subscriptionsReady!()).toBe(false);
    // The client it was given is still the caller's, and still works.
    expect(await commands.send(['PING'], options())).toBe('PONG');
    await expect(commands.subscribe!('a:channel', () => undefined)).rejects.toThrow('subscriptions closed');
  });
});
