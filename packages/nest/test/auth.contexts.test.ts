import type { ExecutionContext } from '@nestjs/common';
import type { Principal } from '@m2m-auth/core';
import { describe, expect, it } from 'vitest';
import { contextTypeOf, paramsOf, principalOf, requestOf } from '../src/auth.contexts.js';
import type { AuthHttpRequest } from '../src/auth.request.js';

/** A fake ExecutionContext of `type` whose handler arguments are `args`. */
function contextOf(type: string, args: unknown[]): ExecutionContext {
  return {
    getType: () => type,
    getArgByIndex: (i: number) => args[i],
    switchToHttp: () => ({ getRequest: () => args[0] }),
    switchToWs: () => ({ getClient: () => args[0], getData: () => args[1] }),
    switchToRpc: () => ({ getData: () => args[0], getContext: () => args[1] }),
  } as unknown as ExecutionContext;
}

const caller = (expiresAt?: Date) => ({ clientId: 'svc', expiresAt }) as unknown as Principal;

describe('contextTypeOf', () => {
  it.each(['http', 'graphql', 'ws', 'rpc'])('knows %s', (type) => {
    expect(contextTypeOf(contextOf(type, []))).toBe(type);
  });
  it('does not know a custom transport', () => {
    expect(contextTypeOf(contextOf('kafka-custom', []))).toBeUndefined();
  });
});

describe('requestOf and principalOf', () => {
  it('HTTP: the platform request', () => {
    const request = { headers: {}, auth: caller() } as AuthHttpRequest;
    const context = contextOf('http', [request]);
    expect(requestOf(context, 'http', 0)).toBe(request);
    expect(principalOf(context)).toBe(request.auth);
  });

  it('GraphQL: req, request or reply.request of the GraphQL context', () => {
    const req = { headers: { authorization: 'Bearer a' } } as AuthHttpRequest;
    for (const gql of [{ req }, { request: req }, { reply: { request: req } }]) {
      const context = contextOf('graphql', [undefined, {}, gql]);
      expect(requestOf(context, 'graphql', 0)).toBe(req);
    }
    expect(requestOf(contextOf('graphql', [undefined, {}, undefined]), 'graphql', 0)).toEqual({
      headers: {},
    });
  });

  it('WebSocket: one record per connection, from socket.request (raw headers) or the handshake', () => {
    const rawHeaders = ['authorization', 'Bearer a'];
    const socket = {
      request: { headers: { authorization: 'Bearer a' }, rawHeaders, url: '/socket.io/?x=1' },
    };
    const context = contextOf('ws', [socket, {}]);
    const record = requestOf(context, 'ws', 0);
    expect(record).toEqual({ headers: { authorization: 'Bearer a' }, rawHeaders, url: '/socket.io/?x=1' });
    expect(requestOf(context, 'ws', 0)).toBe(record);
    const other = { handshake: { headers: { authorization: 'Bearer b' }, url: '/socket.io/' } };
    expect(requestOf(contextOf('ws', [other, {}]), 'ws', 0)).toEqual({
      headers: { authorization: 'Bearer b' },
      url: '/socket.io/',
    });
  });

  it('WebSocket: a new record once the caller’s token has expired, so that it is verified again', () => {
    const socket = { handshake: { headers: {} } };
    const context = contextOf('ws', [socket, {}]);
    const record = requestOf(context, 'ws', 0);
    record.auth = caller(new Date(1_000));
    expect(requestOf(context, 'ws', 999)).toBe(record);
    expect(principalOf(context)).toBe(record.auth);
    const renewed = requestOf(context, 'ws', 1_000);
    expect(renewed).not.toBe(record);
    expect(principalOf(context)).toBeUndefined();
  });

  it('RPC: one record per call, its authorization from the call context', () => {
    const callContext = { getMetadata: () => ({ authorization: 'Bearer a' }) };
    const context = contextOf('rpc', [{}, callContext]);
    const record = requestOf(context, 'rpc', 0);
    expect(record).toEqual({ headers: { authorization: 'Bearer a' } });
    expect(requestOf(context, 'rpc', 0)).toBe(record);
    record.auth = caller();
    expect(principalOf(context)).toBe(record.auth);
    expect(principalOf(contextOf('rpc', [{}, {}]))).toBeUndefined();
  });
});

describe('paramsOf', () => {
  const request = { headers: {}, params: { id: '45c0' } } as AuthHttpRequest;
  it('fills templates from route params, resolver args, message fields', () => {
    expect(paramsOf(contextOf('http', [request]), 'http', request)).toEqual({ id: '45c0' });
    expect(paramsOf(contextOf('graphql', [undefined, { projectId: 'a' }]), 'graphql', request)).toEqual({
      projectId: 'a',
    });
    expect(paramsOf(contextOf('ws', [{}, { projectId: 'b' }]), 'ws', request)).toEqual({ projectId: 'b' });
    expect(paramsOf(contextOf('rpc', [{ projectId: 'c' }, {}]), 'rpc', request)).toEqual({ projectId: 'c' });
  });
  it('a message that is no object fills nothing', () => {
    expect(paramsOf(contextOf('ws', [{}, 'text']), 'ws', request)).toEqual({});
  });
});
