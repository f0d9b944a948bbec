import type { JWTPayload } from 'jose';
import { FrozenSet } from './frozen-set.js';

/** The claims of a verified token (JWT payload or introspection response). */
export type TokenClaims = JWTPayload & Record<string, unknown>;

/**
 * Who is calling: the verified token, reduced to what authorization decisions need.
 */
export interface Principal {
  /** The OAuth client: `client_id`, else `azp`, `cid` or `appid`. */
  readonly clientId: string | undefined;
  /** `sub`: for client-credentials tokens usually the client, or a service account. */
  readonly subject: string | undefined;
  /** `iss`, exactly as configured. */
  readonly issuer: string;
  /** `aud`, always as an array. */
  readonly audience: readonly string[];
  /**
   * Granted scopes, from `scope` (space-separated) or `scp` (string or array). Read-only: it is not a
   * `Set` and cannot be changed, since a cached principal is shared by every request with that token.
   */
  readonly scopes: ReadonlySet<string>;
  /** Permissions or roles, as filled by the claim mapper (empty without one). Read-only like `scopes`. */
  readonly permissions: ReadonlySet<string>;
  /** Every claim of the token, frozen at every level. */
  readonly claims: Readonly<TokenClaims>;
  /** The raw access token, for forwarding (never log it). */
  readonly token: string;
  /** When the token expires (`exp`), if it says. */
  readonly expiresAt: Date | undefined;
}

function stringClaim(claims: TokenClaims, name: string): string | undefined {
  const value = claims[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function splitScopes(value: unknown): string[] {
  if (typeof value === 'string') return value.split(' ').filter(Boolean);
  if (Array.isArray(value)) return value.filter((s): s is string => typeof s === 'string' && s !== '');
  return [];
}

/** Reads `scope` (RFC 8693/9068) or `scp` (Okta, Entra) into a set. */
export function scopesOf(claims: TokenClaims): Set<string> {
  return new Set([...splitScopes(claims.scope), ...splitScopes(claims.scp)]);
}

/**
 * Freezes JSON-like claims at every level, in place: no copy, since the verifier hands over a payload
 * it has just parsed and owns. (`JSON.parse` makes a `__proto__` key an own data property, which stays
 * plain data.)
 */
function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  return Object.freeze(value);
}

/**
 * Builds a {@link Principal} from verified claims, and takes them over: `claims` is frozen at every level
 * in place, so the caller must hand over an object of its own (the verifier passes the payload it has
 * just parsed). The result is immutable all the way down (frozen object and claims, read-only scope and
 * permission sets), so that the token cache can hand the same principal to every request presenting the
 * token.
 */
export function createPrincipal(
  claims: TokenClaims,
  token: string,
  issuer: string,
  permissions: Iterable<string>,
): Principal {
  const aud = claims.aud;
  return Object.freeze({
    clientId:
      stringClaim(claims, 'client_id') ??
      stringClaim(claims, 'azp') ??
      stringClaim(claims, 'cid') ??
      stringClaim(claims, 'appid'),
    subject: stringClaim(claims, 'sub'),
    issuer,
    audience: Object.freeze(typeof aud === 'string' ? [aud] : Array.isArray(aud) ? [...aud] : []),
    scopes: new FrozenSet(scopesOf(claims)),
    permissions: new FrozenSet(permissions),
    claims: deepFreeze(claims),
    token,
    expiresAt: typeof claims.exp === 'number' ? new Date(claims.exp * 1000) : undefined,
  });
}
