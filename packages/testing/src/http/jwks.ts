import type { JsonObject } from '../lib/json.js';
import type { RequestContext } from './context.js';
import { OAuthHttpError, send } from './io.js';

/** Serves the realm's public JWKS. */
export function jwks({ req, res, realm }: RequestContext): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    throw new OAuthHttpError(405, 'invalid_request', 'use GET', { allow: 'GET, HEAD' });
  }
  send(res, 200, realm.keys.jwks() as unknown as JsonObject, { 'cache-control': 'no-cache' });
}
