import { asReplyError, type RedisCommands } from '../commands.js';

/**
 * The part of an ioredis connection used for subscriptions: what `redis.duplicate()` returns.
 *
 * @example
 * ```ts
 * const subscriber: IoRedisSubscriberLike = new Redis().duplicate();
 * ```
 */
export interface IoRedisSubscriberLike {
  subscribe(channel: string): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  readonly status: string;
  disconnect(): void;
}

/**
 * The part of an ioredis (`Redis` or `Cluster`, ioredis 5 or 6) client the store uses: `call`, and
 * `duplicate` for the subscription connection.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * const client: IoRedisLike = new Redis('redis://127.0.0.1:6379');
 * ```
 */
export interface IoRedisLike {
  call(command: string, args: string[]): Promise<unknown>;
  duplicate(): IoRedisSubscriberLike;
  readonly status: string;
}

/**
 * Whether `client` looks like an ioredis `Redis` or `Cluster` (`call`, `status`, `duplicate`).
 *
 * @example
 * ```ts
 * isIoRedis(new Redis({ lazyConnect: true })); // true
 * ```
 */
export function isIoRedis(client: object): client is IoRedisLike {
  const c = client as Partial<IoRedisLike>;
  return typeof c.call === 'function' && typeof c.status === 'string' && typeof c.duplicate === 'function';
}

/**
 * {@link RedisCommands} over an ioredis client: commands through `call` (a Cluster routes them by their
 * key), pub/sub on a `duplicate()`. ioredis cannot drop a command it queued: an abandoned one may still
 * run when Redis answers again, which the store allows for.
 *
 * @example
 * ```ts
 * const commands = ioRedisCommands(new Redis(url));
 * ```
 */
export function ioRedisCommands(client: IoRedisLike): RedisCommands {
  let subscriber: IoRedisSubscriberLike | undefined;
  const listeners = new Map<string, (message: string) => void>();
  let closed = false;
  const connection = () => {
    if (subscriber) return subscriber;
    const sub = (subscriber = client.duplicate());
    sub.on('error', () => undefined); // reported through the store's commands, not here
    sub.on('message', (channel, message) => listeners.get(channel)?.(message));
    return sub;
  };
  return {
    send: ([command, ...args], _options) => {
      if (command === undefined) return Promise.reject(new Error('empty command'));
      return client.call(command, args).catch((err: unknown) => {
        throw asReplyError(err);
      });
    },
    async subscribe(channel, listener) {
      if (closed) throw new Error('subscriptions closed');
      listeners.set(channel, listener);
      await connection().subscribe(channel);
    },
    async unsubscribe(channel) {
      listeners.delete(channel);
      if (subscriber?.status === 'ready') await subscriber.unsubscribe(channel);
    },
    subscriptionsReady: () => subscriber?.status === 'ready',
    async close() {
      closed = true;
      listeners.clear();
      subscriber?.disconnect();
      subscriber = undefined;
      await Promise.resolve();
    },
  };
}
