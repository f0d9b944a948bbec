import { fromNodeRequest, type AuthRequest } from '@m2m-auth/core';
import type { Request } from 'express';

/**
 * Maps an Express request to the neutral shape of `@m2m-auth/core` (core's `fromNodeRequest`: the
 * `Authorization` header read from `rawHeaders`, so that two credentials are caught), with the URL
 * before routers rewrote it.
 */
export function toAuthRequest(req: Request): AuthRequest {
  return fromNodeRequest({
    rawHeaders: req.rawHeaders,
    headers: req.headers,
    method: req.method,
    url: req.originalUrl,
    body: req.body as unknown,
  });
}
