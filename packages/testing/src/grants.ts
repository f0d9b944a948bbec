import type { JWTPayload } from 'jose';

/** An access token the realm issued. */
export interface AccessGrant {
  readonly clientId: string;
  readonly jti: string;
  /** Expiry (in seconds since the epoch). */
  readonly exp: number;
  /** The claims; for opaque tokens, what introspection reveals. */
  readonly claims: JWTPayload;
}

/** A refresh token the realm issued. */
export interface RefreshGrant {
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly audience: readonly string[];
  /** Expiry (in seconds since the epoch). */
  readonly exp: number;
  readonly iat: number;
}

/**
 * The mutable token state of one realm: opaque and refresh tokens, revoked token ids, and the
 * `private_key_jwt` assertion ids seen (replay protection). Entries are dropped once expired.
 */
export class GrantStore {
  readonly #issued = new Map<string, AccessGrant>();
  readonly #opaque = new Map<string, AccessGrant>();
  readonly #refresh = new Map<string, RefreshGrant>();
  readonly #revoked = new Map<string, number>();
  readonly #assertions = new Map<string, number>();
  readonly #clock: () => number;

  constructor(clock: () => number) {
    this.#clock = clock;
  }

  #now(): number {
    return Math.floor(this.#clock() / 1000);
  }

  #prune(): void {
    const now = this.#now();
    for (const map of [this.#issued, this.#opaque, this.#refresh]) {
      for (const [key, grant] of map) if (grant.exp <= now) map.delete(key);
    }
    for (const map of [this.#revoked, this.#assertions]) {
      for (const [key, exp] of map) if (exp <= now) map.delete(key);
    }
  }

  /** Records an issued access token; `opaqueValue` when the token is opaque. */
  recordAccess(grant: AccessGrant, opaqueValue?: string): void {
    this.#prune();
    this.#issued.set(grant.jti, grant);
    if (opaqueValue !== undefined) this.#opaque.set(opaqueValue, grant);
  }

  /** The live opaque token's grant, or `undefined`. */
  opaque(value: string): AccessGrant | undefined {
    const grant = this.#opaque.get(value);
    return grant === undefined || grant.exp <= this.#now() ? undefined : grant;
  }

  recordRefresh(value: string, grant: RefreshGrant): void {
    this.#prune();
    this.#refresh.set(value, grant);
  }

  /** The live refresh token's grant, or `undefined`. */
  refresh(value: string): RefreshGrant | undefined {
    const grant = this.#refresh.get(value);
    return grant === undefined || grant.exp <= this.#now() ? undefined : grant;
  }

  /** Consumes a refresh token (rotation): it never works again. */
  consumeRefresh(value: string): void {
    this.#refresh.delete(value);
  }

  /** Revokes an access token by its `jti`, until `exp`. */
  revoke(jti: string, exp: number): void {
    this.#revoked.set(jti, exp);
  }

  isRevoked(jti: string): boolean {
    return this.#revoked.has(jti);
  }

  /** Revokes everything issued to the client: access tokens (by jti), opaque and refresh tokens. */
  revokeClient(clientId: string): void {
    for (const grant of this.#issued.values()) {
      if (grant.clientId === clientId) this.#revoked.set(grant.jti, grant.exp);
    }
    for (const [value, grant] of this.#opaque) if (grant.clientId === clientId) this.#opaque.delete(value);
    for (const [value, grant] of this.#refresh) if (grant.clientId === clientId) this.#refresh.delete(value);
  }

  /**
   * Records a client assertion id until its expiry; returns `false` when it was already seen (a replay).
   */
  rememberAssertion(key: string, exp: number): boolean {
    this.#prune();
    if (this.#assertions.has(key)) return false;
    this.#assertions.set(key, exp);
    return true;
  }
}
