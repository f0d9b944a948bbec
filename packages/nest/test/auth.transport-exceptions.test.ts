import { Metadata, status } from '@grpc/grpc-js';
import { RpcException, TcpContext } from '@nestjs/microservices';
import { WsException } from '@nestjs/websockets';
import type { ExecutionContext } from '@nestjs/common';
import { AuthError } from '@m2m-auth/core';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { transportException } from '../src/auth.transport-exceptions.js';

const rpcContext = (callContext: unknown) =>
  ({ switchToRpc: () => ({ getContext: () => callContext }) }) as unknown as ExecutionContext;
const none = {} as ExecutionContext;

const missing = new AuthError('invalid_token', 'no bearer token', { reason: 'token_missing' });
const scope = new AuthError('insufficient_scope', 'missing scope x', {
  reason: 'scope_missing',
  required: ['x'],
});
const down = new AuthError('temporarily_unavailable', 'issuer unreachable', { reason: 'jwks_unavailable' });
const malformed = new AuthError('invalid_request', 'malformed', { reason: 'header_malformed' });

describe('transportException', () => {
  it('GraphQL: a GraphQLError with the code, the status and the body in extensions', async () => {
    const error = await transportException('graphql', missing, { ...missing.toJSON() }, none);
    expect(error).toBeInstanceOf(GraphQLError);
    expect(error.message).toBe('no bearer token');
    expect((error as GraphQLError).extensions).toEqual({
      code: 'UNAUTHENTICATED',
      status: 401,
      error: 'unauthorized',
      error_description: 'no bearer token',
    });
    const forbidden = (await transportException(
      'graphql',
      scope,
      { ...scope.toJSON() },
      none,
    )) as GraphQLError;
    expect(forbidden.extensions.code).toBe('FORBIDDEN');
    const unavailable = (await transportException('graphql', down, {}, none)) as GraphQLError;
    expect(unavailable.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', status: 503 });
  });

  it('WebSocket: a WsException whose error is { status, …body }', async () => {
    const error = await transportException('ws', scope, { error: 'insufficient_scope', id: 7 }, none);
    expect(error).toBeInstanceOf(WsException);
    expect((error as WsException).getError()).toEqual({ status: 403, error: 'insufficient_scope', id: 7 });
  });

  it('gRPC: an RpcException with the gRPC status code', async () => {
    const cases: [AuthError, number][] = [
      [missing, status.UNAUTHENTICATED],
      [scope, status.PERMISSION_DENIED],
      [malformed, status.INVALID_ARGUMENT],
      [down, status.UNAVAILABLE],
    ];
    for (const [authError, code] of cases) {
      const error = await transportException('rpc', authError, {}, rpcContext(new Metadata()));
      expect(error).toBeInstanceOf(RpcException);
      expect((error as RpcException).getError()).toEqual({ code, message: authError.description });
    }
  });

  it('other transports: an RpcException whose error is { status, …body }', async () => {
    const error = await transportException(
      'rpc',
      missing,
      { ...missing.toJSON() },
      rpcContext(new TcpContext([{} as never, 'x'])),
    );
    expect((error as RpcException).getError()).toEqual({
      status: 401,
      error: 'unauthorized',
      error_description: 'no bearer token',
    });
  });
});
