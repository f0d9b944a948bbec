/** A connected client of either library, for the tests' own use of Redis. */
import type { RedisClientLike } from '@m2m-auth/redis';
import { Redis } from 'ioredis';
import { createClient } from 'redis';

export type ClientKind = 'node-redis' | 'ioredis';

export interface ConnectedClient {
  client: RedisClientLike;
  close(): Promise<void>;
}

/**
 * Connects a client of `kind` to `url`, reconnecting every 100 ms when the connection drops.
 *
 * @example
 * ```ts
 * const { client, close } = await connectClient('ioredis', redis.url);
 * ```
 */
export async function connectClient(kind: ClientKind, url: string): Promise<ConnectedClient> {
  if (kind === 'ioredis') {
    const client = new Redis(url, { retryStrategy: () => 100, lazyConnect: true });
    client.on('error', () => undefined);
    await client.connect();
    return { client, close: async () => client.disconnect() };
  }
  const client = createClient({ url, socket: { reconnectStrategy: () => 100 } });
  client.on('error', () => undefined);
  await client.connect();
  return { client, close: async () => client.destroy() };
}
