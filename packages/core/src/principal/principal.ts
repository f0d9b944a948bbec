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
  /** Every claim of the token: a deep copy, frozen at every level. */
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

/** A deep copy of JSON-like claims, frozen at every level. */
function frozenCopy<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [] : {};
  for (const [key, item] of Object.entries(value)) {
    Object.defineProperty(copy, key, { value: frozenCopy(item), enumerable: true });
  }
  return Object.freeze(copy) as T;
}

/**
 * Builds a {@link Principal} from verified claims. The result is immutable all the way down (frozen
 * object, claims frozen at every level, read-only scope and permission sets), so that the token cache
 * can hand the same principal to every request presenting the token.
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
    claims: frozenCopy(claims),
    token,
    expiresAt: typeof claims.exp === 'number' ? new Date(claims.exp * 1000) : undefined,
  });
}
