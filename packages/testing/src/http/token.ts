import type { StoredClient } from '../clients.js';
import type { JsonObject } from '../lib/json.js';
import type { IssuedTokens } from '../realm.js';
import { authenticateClient } from './client-auth.js';
import type { RequestContext } from './context.js';
import { OAuthHttpError, readForm, send } from './io.js';

function scopeList(value: string | null): string[] {
  return value === null ? [] : [...new Set(value.split(' ').filter((s) => s !== ''))];
}

function holds(client: StoredClient, scope: string): boolean {
  return (
    scope === 'openid' ||
    client.scopes.some((s) => (s.endsWith('*') ? scope.startsWith(s.slice(0, -1)) : s === scope))
  );
}

/** The scopes granted for a request: the requested ones if the client holds all of them, else `invalid_scope`. */
function grantScopes(client: StoredClient, requested: string | null): string[] {
  const scopes = scopeList(requested);
  if (scopes.length === 0) return client.scopes.filter((s) => !s.endsWith('*'));
  const missing = scopes.filter((s) => !holds(client, s));
  if (missing.length > 0) {
    throw new OAuthHttpError(400, 'invalid_scope', `the client may not request scope '${missing.join(' ')}'`);
  }
  return scopes;
}

/** The audience for a request: RFC 8707 `resource` and/or `audience` parameters, else the client's. */
function grantAudience(client: StoredClient, form: URLSearchParams): string[] {
  const requested = [...new Set([...form.getAll('resource'), ...form.getAll('audience')])];
  if (requested.length === 0) return client.audience;
  const refused = requested.filter((r) => !client.audience.includes(r));
  if (refused.length > 0) {
    throw new OAuthHttpError(
      400,
      'invalid_target',
      `the client may not request a token for '${refused.join(' ')}'`,
    );
  }
  return requested;
}

/** Shapes a token response: Keycloak's fields and order in realms, RFC 6749's otherwise. */
function tokenResponse(style: 'oidc' | 'keycloak', issued: IssuedTokens): JsonObject {
  const scope = issued.scopes.join(' ');
  if (style === 'keycloak') {
    return {
      access_token: issued.accessToken,
      expires_in: issued.expiresIn,
      refresh_expires_in: issued.refreshExpiresIn,
      ...(issued.refreshToken === undefined ? {} : { refresh_token: issued.refreshToken }),
      token_type: 'Bearer',
      'not-before-policy': 0,
      scope,
    };
  }
  return {
    access_token: issued.accessToken,
    token_type: 'Bearer',
    expires_in: issued.expiresIn,
    ...(scope === '' ? {} : { scope }),
    ...(issued.refreshToken === undefined ? {} : { refresh_token: issued.refreshToken }),
  };
}

/** The token endpoint: `client_credentials` and `refresh_token` grants. */
export async function token(ctx: RequestContext): Promise<void> {
  const { req, res, realm } = ctx;
  const form = await readForm(req, ['resource', 'audience']);
  const grantType = form.get('grant_type');
  if (grantType === null) throw new OAuthHttpError(400, 'invalid_request', 'grant_type is missing');
  const { client } = await authenticateClient(req, form, realm, realm.urls.tokenEndpoint);

  let issued: IssuedTokens;
  if (grantType === 'client_credentials') {
    issued = await realm.issue(client, grantScopes(client, form.get('scope')), grantAudience(client, form));
  } else if (grantType === 'refresh_token') {
    const value = form.get('refresh_token');
    if (value === null) throw new OAuthHttpError(400, 'invalid_request', 'refresh_token is missing');
    const grant = realm.grants.refresh(value);
    if (grant === undefined || grant.clientId !== client.clientId) {
      throw new OAuthHttpError(
        400,
        'invalid_grant',
        'the refresh token is invalid, expired, used or revoked',
      );
    }
    const requested = scopeList(form.get('scope'));
    const widened = requested.filter((s) => !grant.scopes.includes(s));
    if (widened.length > 0) {
      throw new OAuthHttpError(
        400,
        'invalid_scope',
        `scope '${widened.join(' ')}' was not granted originally`,
      );
    }
    // The client may have lost scopes since (issuer.clients.update): a refresh never restores them.
    const lost = requested.filter((s) => !holds(client, s));
    if (lost.length > 0) {
      throw new OAuthHttpError(
        400,
        'invalid_scope',
        `the client may no longer request scope '${lost.join(' ')}'`,
      );
    }
    realm.grants.consumeRefresh(value);
    const scopes = requested.length > 0 ? requested : grant.scopes.filter((s) => holds(client, s));
    issued = await realm.issue(client, scopes, grant.audience);
  } else {
    throw new OAuthHttpError(400, 'unsupported_grant_type', `grant_type '${grantType}' is not supported`);
  }
  send(res, 200, tokenResponse(realm.style, issued));
}
