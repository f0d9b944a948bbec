import type { TokenClaims } from './principal.js';

/**
 * Turns verified claims into the permissions of a {@link Principal}. Return the permissions (roles)
 * the token grants; scopes are read separately.
 */
export type ClaimMapper = (claims: Readonly<TokenClaims>) => Iterable<string>;

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export interface KeycloakMapperOptions {
  /**
   * The client (resource server) whose roles count, read from `resource_access[clientId].roles`. Without
   * it, only realm roles count.
   */
  clientId?: string;
  /** Whether realm roles (`realm_access.roles`) count too. Default is `true`. */
  realmRoles?: boolean;
}

/**
 * Permissions from Keycloak tokens (Imply Hybrid, Imply Polaris): realm roles and the roles of one
 * client from `resource_access`.
 *
 * @example
 * ```ts
 * createVerifier({ issuer, audience: 'api', claims: keycloak({ clientId: 'api' }) });
 * ```
 */
export function keycloak(options: KeycloakMapperOptions = {}): ClaimMapper {
  const { clientId, realmRoles = true } = options;
  return (claims) => {
    const out: string[] = [];
    if (realmRoles) out.push(...strings(record(claims.realm_access)?.roles));
    if (clientId !== undefined) {
      out.push(...strings(record(record(claims.resource_access)?.[clientId])?.roles));
    }
    return out;
  };
}

/**
 * Permissions from Auth0 tokens (the `permissions` array of RBAC-enabled APIs).
 *
 * @example
 * ```ts
 * createVerifier({ issuer, audience, claims: auth0() });
 * ```
 */
export function auth0(): ClaimMapper {
  return (claims) => strings(claims.permissions);
}

/**
 * Permissions from Microsoft Entra ID tokens: app roles in `roles`.
 *
 * @example
 * ```ts
 * createVerifier({ issuer, audience, claims: entra() });
 * ```
 */
export function entra(): ClaimMapper {
  return (claims) => strings(claims.roles);
}
