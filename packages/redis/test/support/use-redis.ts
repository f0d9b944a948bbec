import type { RedisClientLike } from '@m2m-auth/redis';
import { afterAll, beforeAll } from 'vitest';
import {
  connectRedisClient,
  startRedisServer,
  type ClientKind,
  type ConnectedClient,
  type RedisServer,
} from '../../../../test/support/redis-server.js';

export interface UsedRedis {
  readonly server: RedisServer;
  readonly client: RedisClientLike;
  /** Another connection, of the same kind. */
  connect(): Promise<RedisClientLike>;
}

/** A real redis-server for the tests of this file, and a connected client of `kind`. */
export function useRedis(kind: ClientKind): UsedRedis {
  let server: RedisServer | undefined;
  const connections: ConnectedClient[] = [];
  const used: UsedRedis = {
    get server() {
      if (!server) throw new Error('redis-server not started yet');
      return server;
    },
    get client() {
      const first = connections[0];
      if (!first) throw new Error('not connected yet');
      return first.client;
    },
    async connect() {
      const connection = await connectRedisClient(kind, used.server.url);
      connections.push(connection);
      return connection.client;
    },
  };
  beforeAll(async () => {
    server = await startRedisServer();
    await used.connect();
  });
  afterAll(async () => {
    await Promise.all(connections.splice(0).map((c) => c.close()));
    await server?.stop();
  });
  return used;
}

/** The reply of a raw command, without its RESP framing (`+OK`, `:1`, `$3\r\nabc` → `abc`). */
export async function raw(server: RedisServer, ...args: string[]): Promise<string | null> {
  const reply = await server.command(...args);
  if (reply.startsWith('$-1')) return null;
  if (reply.startsWith('$')) return reply.split('\r\n')[1] ?? '';
  return reply.slice(1, reply.indexOf('\r\n'));
}
