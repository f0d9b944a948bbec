import type { ExecutionContext } from '@nestjs/common';
import type { RouteParams } from '@m2m-auth/core';
import type { AuthHttpRequest } from './auth.request.js';
import { rpcAuthorization } from './auth.rpc-metadata.js';

/**
 * The kinds of handler the guards understand: HTTP routes, GraphQL resolvers, WebSocket gateways and
 * microservice handlers. Read from `context.getType()`; nothing here imports `@nestjs/graphql`,
 * `@nestjs/websockets` or `@nestjs/microservices`, which stay optional peers.
 */
export type AuthContextType = 'http' | 'graphql' | 'ws' | 'rpc';

const TYPES: readonly string[] = ['http', 'graphql', 'ws', 'rpc'];

/** The kind of handler `context` runs, or `undefined` for one the guards do not know. */
export function contextTypeOf(context: ExecutionContext): AuthContextType | undefined {
  const type = context.getType<string>();
  return TYPES.includes(type) ? (type as AuthContextType) : undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/**
 * The HTTP request of a GraphQL resolver, from the GraphQL context (the resolver's third argument, what
 * `GqlExecutionContext.create(context).getContext()` returns): `req` (Apollo on Express), `request`,
 * or `reply.request` (Mercurius on Fastify).
 */
function graphqlRequest(context: ExecutionContext): AuthHttpRequest | undefined {
  const gql: unknown = context.getArgByIndex(2);
  if (!isObject(gql)) return undefined;
  const reply = gql.reply;
  const found = gql.req ?? gql.request ?? (isObject(reply) ? reply.request : undefined);
  return isObject(found) ? (found as unknown as AuthHttpRequest) : undefined;
}

/** One record per WebSocket connection: its handshake, authenticated once, and its caller. */
const connections = new WeakMap<object, AuthHttpRequest>();

/** One record per microservice call, keyed by the call's context. */
const calls = new WeakMap<object, AuthHttpRequest>();

/**
 * The handshake of a socket.io connection: `socket.request` (the Node request that opened it, raw
 * headers included) or `socket.handshake` (headers and URL).
 */
function handshakeOf(client: unknown): AuthHttpRequest {
  if (!isObject(client)) return { headers: {} };
  if (isObject(client.request) && isObject(client.request.headers)) {
    return client.request as unknown as AuthHttpRequest;
  }
  const handshake = isObject(client.handshake) ? client.handshake : {};
  const headers = isObject(handshake.headers) ? (handshake.headers as AuthHttpRequest['headers']) : {};
  return { headers, url: typeof handshake.url === 'string' ? handshake.url : undefined };
}

function expired(record: AuthHttpRequest, now: number): boolean {
  const expiresAt = record.auth?.expiresAt;
  return expiresAt !== undefined && expiresAt.getTime() <= now;
}

/**
 * The record of this WebSocket connection: the same for every message, so that its token (sent once,
 * with the handshake) is verified once per connection; a new one once the caller's token has expired
 * at `now`, so that the next message verifies it again (and is refused).
 */
function connectionRecord(client: object, now: number): AuthHttpRequest {
  const known = connections.get(client);
  if (known !== undefined && !expired(known, now)) return known;
  const handshake = handshakeOf(client);
  const record: AuthHttpRequest = {
    headers: handshake.headers,
    ...(handshake.rawHeaders ? { rawHeaders: handshake.rawHeaders } : {}),
    url: handshake.url,
  };
  connections.set(client, record);
  return record;
}

function callRecord(rpcContext: unknown): AuthHttpRequest {
  if (!isObject(rpcContext)) return { headers: { authorization: rpcAuthorization(rpcContext) } };
  let record = calls.get(rpcContext);
  if (record === undefined) {
    record = { headers: { authorization: rpcAuthorization(rpcContext) } };
    calls.set(rpcContext, record);
  }
  return record;
}

/**
 * What the guard authenticates, per kind of handler, and where it leaves the caller (`auth`):
 * - HTTP: the platform request;
 * - GraphQL: the HTTP request from the GraphQL context;
 * - WebSocket: the connection's handshake (once per connection; again after the token's expiry at
 *   `now`, in milliseconds since the epoch);
 * - microservice: the call's `Authorization` metadata or header (see `rpcAuthorization`).
 */
export function requestOf(context: ExecutionContext, type: AuthContextType, now: number): AuthHttpRequest {
  switch (type) {
    case 'http':
      return context.switchToHttp().getRequest<AuthHttpRequest>();
    case 'graphql':
      return graphqlRequest(context) ?? { headers: {} };
    case 'ws': {
      const client: unknown = context.switchToWs().getClient();
      return isObject(client) ? connectionRecord(client, now) : { headers: {} };
    }
    case 'rpc':
      return callRecord(context.switchToRpc().getContext());
  }
}

/**
 * The caller the guards left for this handler (what `@Principal()` returns), without authenticating.
 */
export function principalOf(context: ExecutionContext): AuthHttpRequest['auth'] {
  switch (contextTypeOf(context)) {
    case 'graphql':
      return graphqlRequest(context)?.auth;
    case 'ws': {
      const client: unknown = context.switchToWs().getClient();
      return isObject(client) ? connections.get(client)?.auth : undefined;
    }
    case 'rpc': {
      const rpcContext: unknown = context.switchToRpc().getContext();
      return isObject(rpcContext) ? calls.get(rpcContext)?.auth : undefined;
    }
    default:
      return context.switchToHttp().getRequest<AuthHttpRequest>().auth;
  }
}

/**
 * What fills `{name}` templates of a requirement: the route parameters (HTTP), the resolver's
 * arguments (GraphQL), the message's fields (WebSocket, microservice) when it is an object.
 */
export function paramsOf(
  context: ExecutionContext,
  type: AuthContextType,
  request: AuthHttpRequest,
): RouteParams {
  const fields: unknown =
    type === 'http'
      ? request.params
      : type === 'graphql'
        ? context.getArgByIndex(1)
        : type === 'ws'
          ? context.switchToWs().getData()
          : context.switchToRpc().getData();
  return isObject(fields) ? fields : {};
}
