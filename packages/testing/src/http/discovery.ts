import { SIGNING_ALGORITHMS } from '../keys.js';
import type { RequestContext } from './context.js';
import { OAuthHttpError, send } from './io.js';

const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'];

/** Serves OpenID Connect discovery and RFC 8414 metadata (the same document). */
export function discovery({ req, res, realm }: RequestContext): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    throw new OAuthHttpError(405, 'invalid_request', 'use GET', { allow: 'GET, HEAD' });
  }
  const { urls } = realm;
  const scopes = new Set(['openid']);
  for (const client of realm.clients.list()) {
    for (const scope of client.scopes) if (!scope.endsWith('*')) scopes.add(scope);
  }
  send(
    res,
    200,
    {
      issuer: urls.issuer,
      token_endpoint: urls.tokenEndpoint,
      jwks_uri: urls.jwksUri,
      introspection_endpoint: urls.introspectionEndpoint,
      revocation_endpoint: urls.revocationEndpoint,
      grant_types_supported: ['client_credentials', 'refresh_token'],
      response_types_supported: ['token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: [realm.keys.defaultAlgorithm],
      token_endpoint_auth_methods_supported: AUTH_METHODS,
      token_endpoint_auth_signing_alg_values_supported: [...SIGNING_ALGORITHMS],
      introspection_endpoint_auth_methods_supported: AUTH_METHODS,
      revocation_endpoint_auth_methods_supported: AUTH_METHODS,
      scopes_supported: [...scopes],
      claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'client_id', 'scope'],
    },
    { 'cache-control': 'no-cache' },
  );
}
