import { asReplyError, type RedisCommands } from '../commands.js';

/**
 * The part of a node-redis connection used for subscriptions: what `client.duplicate()` returns.
 *
 * @example
 * ```ts
 * const subscriber: NodeRedisSubscriberLike = createClient({ url }).duplicate();
 * ```
 */
export interface NodeRedisSubscriberLike {
  connect(): Promise<unknown>;
  subscribe(channel: string, listener: (message: string, channel: string) => void): Promise<void>;
  unsubscribe(channel: string): Promise<void>;
  on(event: 'error', listener: (err: Error) => void): unknown;
  readonly isReady: boolean;
  destroy(): void;
}

/**
 * The part of a node-redis (`redis` 5 or 6) client the store uses: `sendCommand`, and `duplicate` for
 * the subscription connection.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * const client: NodeRedisClientLike = await createClient({ url: 'redis://127.0.0.1:6379' }).connect();
 * ```
 */
export interface NodeRedisClientLike {
  sendCommand(args: readonly string[], options?: { abortSignal?: AbortSignal }): Promise<unknown>;
  duplicate(): NodeRedisSubscriberLike;
  readonly isOpen: boolean;
}

/**
 * The part of a node-redis cluster client (`createCluster`) the store uses.
 *
 * @example
 * ```ts
 * import { createCluster } from 'redis';
 * const cluster: NodeRedisClusterLike = await createCluster({ rootNodes: [{ url }] }).connect();
 * ```
 */
export interface NodeRedisClusterLike {
  sendCommand(
    firstKey: string | undefined,
    isReadonly: boolean | undefined,
    args: string[],
    options?: { abortSignal?: AbortSignal },
  ): Promise<unknown>;
  duplicate(): NodeRedisSubscriberLike;
  readonly masters: readonly unknown[];
}

/**
 * Whether `client` looks like a node-redis cluster client (`sendCommand` and `masters`).
 *
 * @example
 * ```ts
 * isNodeRedisCluster(createCluster({ rootNodes: [{ url }] })); // true
 * ```
 */
export function isNodeRedisCluster(client: object): client is NodeRedisClusterLike {
  const c = client as Partial<NodeRedisClusterLike>;
  return typeof c.sendCommand === 'function' && Array.isArray(c.masters);
}

/**
 * Whether `client` looks like a node-redis client (`sendCommand` and `isOpen`).
 *
 * @example
 * ```ts
 * isNodeRedisClient(createClient()); // true
 * ```
 */
export function isNodeRedisClient(client: object): client is NodeRedisClientLike {
  const c = client as Partial<NodeRedisClientLike>;
  return typeof c.sendCommand === 'function' && typeof c.isOpen === 'boolean';
}

/** The subscription connection: one `duplicate()`, connected on first use, reconnected by node-redis. */
function subscriptions(duplicate: () => NodeRedisSubscriberLike): Omit<RedisCommands, 'send'> {
  let subscriber: Promise<NodeRedisSubscriberLike> | undefined;
  let current: NodeRedisSubscriberLike | undefined;
  let closed = false;
  const connected = () =>
    (subscriber ??= (async () => {
      const sub = (current = duplicate());
      sub.on('error', () => undefined); // reported through the store's commands, not here
      try {
        await sub.connect();
        return sub;
      } catch (err) {
        subscriber = undefined;
        current = undefined;
        sub.destroy();
        throw err;
      }
    })());
  return {
    async subscribe(channel, listener) {
      if (closed) throw new Error('subscriptions closed');
      const sub = await connected();
      await sub.subscribe(channel, (message) => listener(message));
    },
    async unsubscribe(channel) {
      if (current?.isReady) await current.unsubscribe(channel);
    },
    subscriptionsReady: () => current?.isReady === true,
    async close() {
      closed = true;
      const sub = current;
      subscriber = undefined;
      current = undefined;
      sub?.destroy();
      await Promise.resolve();
    },
  };
}

/**
 * {@link RedisCommands} over a node-redis client: commands through `sendCommand` (an abandoned command
 * not yet written is dropped through its abort signal), pub/sub on a `duplicate()`.
 *
 * @example
 * ```ts
 * const commands = nodeRedisCommands(await createClient({ url }).connect());
 * ```
 */
export function nodeRedisCommands(client: NodeRedisClientLike | NodeRedisClusterLike): RedisCommands {
  const send: RedisCommands['send'] = isNodeRedisCluster(client)
    ? (args, { key, signal }) => client.sendCommand(key, false, [...args], { abortSignal: signal })
    : (args, { signal }) => client.sendCommand(args, { abortSignal: signal });
  return {
    send: (args, options) =>
      send(args, options).catch((err: unknown) => {
        throw asReplyError(err);
      }),
    ...subscriptions(() => client.duplicate()),
  };
}
