import type { JWTPayload } from 'jose';
import type { StoredClient } from './clients.js';

/**
 * The token dialect of a realm: `'oidc'` for RFC 9068 access tokens (`typ: at+jwt`), `'keycloak'` for
 * Keycloak-like tokens (`azp`, `realm_access`, `resource_access`, `typ: Bearer` claim).
 */
export type TokenStyle = 'oidc' | 'keycloak';

/** What goes into one access token. */
export interface AccessTokenInput {
  readonly issuer: string;
  readonly style: TokenStyle;
  readonly client: StoredClient;
  readonly scopes: readonly string[];
  readonly audience: readonly string[];
  /** Issued-at (in seconds since the epoch). */
  readonly iat: number;
  readonly jti: string;
}

function audienceClaim(audience: readonly string[]): string | string[] | undefined {
  if (audience.length === 0) return undefined;
  return audience.length === 1 ? audience[0] : [...audience];
}

/** The claims of an access token, in the realm's dialect, with the client's extra claims last. */
export function accessTokenClaims(input: AccessTokenInput): JWTPayload {
  const { issuer, style, client, scopes, audience, iat, jti } = input;
  const exp = iat + client.tokenLifetime;
  const claims: JWTPayload =
    style === 'keycloak'
      ? {
          exp,
          iat,
          jti,
          iss: issuer,
          aud: audienceClaim(audience),
          sub: client.subject,
          typ: 'Bearer',
          azp: client.clientId,
          client_id: client.clientId,
          preferred_username: `service-account-${client.clientId.toLowerCase()}`,
          scope: scopes.join(' '),
        }
      : {
          iss: issuer,
          sub: client.subject,
          aud: audienceClaim(audience),
          exp,
          iat,
          jti,
          client_id: client.clientId,
          scope: scopes.join(' '),
        };
  if (claims.aud === undefined) delete claims.aud;
  if (client.permissions.length > 0 || client.permissionsClaim === 'keycloak') {
    if (client.permissionsClaim === 'keycloak') {
      claims.realm_access = { roles: [...client.permissions] };
      const resourceAccess: Record<string, { roles: string[] }> = {};
      if (client.permissions.length > 0) {
        for (const aud of audience) resourceAccess[aud] = { roles: [...client.permissions] };
      }
      claims.resource_access = resourceAccess;
    } else {
      claims.permissions = [...client.permissions];
    }
  }
  const resourceRoles = Object.entries(client.resourceRoles);
  if (resourceRoles.length > 0) {
    const resourceAccess = (claims.resource_access ?? {}) as Record<string, { roles: string[] }>;
    for (const [clientId, roles] of resourceRoles) {
      const held = resourceAccess[clientId]?.roles ?? [];
      resourceAccess[clientId] = { roles: [...new Set([...held, ...roles])] };
    }
    claims.resource_access = resourceAccess;
  }
  return { ...claims, ...client.claims };
}

/** The protected header `typ` of the realm's access tokens. */
export function accessTokenType(style: TokenStyle): string {
  return style === 'keycloak' ? 'JWT' : 'at+jwt';
}
