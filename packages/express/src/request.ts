import type { AuthRequest } from '@m2m-auth/core';
import type { Request } from 'express';

/**
 * Maps an Express request to the neutral shape of `@m2m-auth/core`. Node keeps only the first of
 * repeated `Authorization` headers, so they are read from `rawHeaders` to catch two credentials.
 */
export function toAuthRequest(req: Request): AuthRequest {
  const authorization: string[] = [];
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length === 13 && raw[i]!.toLowerCase() === 'authorization') authorization.push(raw[i + 1]!);
  }
  return {
    headers: {
      authorization:
        authorization.length === 0
          ? undefined
          : authorization.length === 1
            ? authorization[0]
            : authorization,
      'content-type': req.headers['content-type'],
    },
    method: req.method,
    url: req.originalUrl,
    body: req.body as unknown,
  };
}
