export { redisTokenStore } from './redis-token-store.js';
export type { RedisTokenStore } from './redis-token-store.js';
export type { RedisTokenStoreOptions } from './options.js';
export type { EncryptionKey } from './encryption.js';
export type { RedisStoreEvent, RedisOperation, EntryRejection, UnavailableReason } from './events.js';
export { RedisReplyError, asReplyError } from './commands.js';
export type { RedisCommands, RedisSendOptions } from './commands.js';
export { toRedisCommands } from './clients/to-redis-commands.js';
export type { RedisClientLike } from './clients/to-redis-commands.js';
export type {
  NodeRedisClientLike,
  NodeRedisClusterLike,
  NodeRedisSubscriberLike,
} from './clients/node-redis.js';
export type { IoRedisLike, IoRedisSubscriberLike } from './clients/ioredis.js';
export { entryNames } from './keys.js';
export type { EntryNames } from './keys.js';
