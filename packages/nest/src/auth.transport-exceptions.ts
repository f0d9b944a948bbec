import type { AuthError } from '@m2m-auth/core';
import type { ExecutionContext } from '@nestjs/common';
import type { AuthContextType } from './auth.contexts.js';
import { isGrpcMetadata } from './auth.rpc-metadata.js';

/** GraphQL `extensions.code`s, as Apollo and `@nestjs/graphql` name them. */
const GRAPHQL_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  503: 'SERVICE_UNAVAILABLE',
};

/** gRPC status codes: INVALID_ARGUMENT, UNAUTHENTICATED, PERMISSION_DENIED, UNAVAILABLE. */
const GRPC_CODES: Record<number, number> = { 400: 3, 401: 16, 403: 7, 503: 14 };

/**
 * What a failure becomes where there is no HTTP response to answer, each the error its transport's
 * own exception handling understands (loaded when first needed, from the package the app already uses
 * for that transport, so that an HTTP-only app needs none of them):
 * - GraphQL: a `GraphQLError` (`graphql`) with `extensions: { code: 'UNAUTHENTICATED' | 'FORBIDDEN' |
 *   'BAD_REQUEST' | 'SERVICE_UNAVAILABLE', status, error, error_description }`;
 * - WebSocket: a `WsException` (`@nestjs/websockets`) whose error is `{ status, error,
 *   error_description }`, emitted to the client as its `exception` event;
 * - gRPC: an `RpcException` (`@nestjs/microservices`) with the gRPC status code (`UNAUTHENTICATED` 16,
 *   `PERMISSION_DENIED` 7, `INVALID_ARGUMENT` 3, `UNAVAILABLE` 14) and the description as message;
 * - other microservice transports: an `RpcException` whose error is `{ status, error,
 *   error_description }`.
 *
 * @param body The JSON body of the failure (`errorBody`, default `error.toJSON()`).
 */
export async function transportException(
  type: Exclude<AuthContextType, 'http'>,
  error: AuthError,
  body: Readonly<Record<string, unknown>>,
  context: ExecutionContext,
): Promise<Error> {
  const payload = { status: error.status, ...body };
  switch (type) {
    case 'graphql': {
      const { GraphQLError } = await import('graphql');
      return new GraphQLError(error.description, {
        extensions: { code: GRAPHQL_CODES[error.status], ...payload },
      });
    }
    case 'ws': {
      const { WsException } = await import('@nestjs/websockets');
      return new WsException(payload);
    }
    case 'rpc': {
      const { RpcException } = await import('@nestjs/microservices');
      if (isGrpcMetadata(context.switchToRpc().getContext())) {
        return new RpcException({ code: GRPC_CODES[error.status], message: error.description });
      }
      return new RpcException(payload);
    }
  }
}
