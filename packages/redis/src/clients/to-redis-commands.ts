import { ConfigurationError } from '@m2m-auth/core';
import type { RedisCommands } from '../commands.js';
import { ioRedisCommands, isIoRedis, type IoRedisLike } from './ioredis.js';
import {
  isNodeRedisClient,
  isNodeRedisCluster,
  nodeRedisCommands,
  type NodeRedisClientLike,
  type NodeRedisClusterLike,
} from './node-redis.js';

/**
 * What `redisTokenStore` accepts: a node-redis client or cluster, an ioredis `Redis` or `Cluster`, or
 * your own {@link RedisCommands}.
 *
 * @example
 * ```ts
 * const client: RedisClientLike = new Redis(process.env.REDIS_URL!);
 * ```
 */
export type RedisClientLike = NodeRedisClientLike | NodeRedisClusterLike | IoRedisLike | RedisCommands;

function isCommands(client: object): client is RedisCommands {
  return typeof (client as Partial<RedisCommands>).send === 'function';
}

/**
 * The {@link RedisCommands} of `client`, by its kind: ioredis (it has `call` and `status`), a node-redis
 * cluster (`sendCommand` and `masters`), a node-redis client (`sendCommand` and `isOpen`), or a
 * `RedisCommands` already (`send`). Anything else is a `ConfigurationError`.
 *
 * @example
 * ```ts
 * const commands = toRedisCommands(await createClient({ url }).connect());
 * await commands.send(['PING'], { key: undefined, signal: AbortSignal.timeout(250) });
 * ```
 */
export function toRedisCommands(client: RedisClientLike): RedisCommands {
  if (typeof client !== 'object' || client === null) {
    throw new ConfigurationError('client must be a node-redis or ioredis client');
  }
  if (isCommands(client)) return client;
  if (isIoRedis(client)) return ioRedisCommands(client);
  if (isNodeRedisCluster(client) || isNodeRedisClient(client)) return nodeRedisCommands(client);
  throw new ConfigurationError(
    'client must be a node-redis client or cluster, an ioredis Redis or Cluster, or RedisCommands',
  );
}
