import { authorizationHeader, type AuthRequest } from '@m2m-auth/core';
import type { Request } from 'express';

/**
 * Maps an Express request to the neutral shape of `@m2m-auth/core`, the `Authorization` header read
 * from `rawHeaders` (so that two credentials are caught) and the URL before routers rewrote it.
 */
export function toAuthRequest(req: Request): AuthRequest {
  return {
    headers: {
      authorization: authorizationHeader(req.rawHeaders),
      'content-type': req.headers['content-type'],
    },
    method: req.method,
    url: req.originalUrl,
    body: req.body as unknown,
  };
}
