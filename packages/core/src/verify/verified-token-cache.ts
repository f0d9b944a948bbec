import { ExpiringLru } from '../lib/lru.js';
import type { Principal, TokenClaims } from '../principal/principal.js';

/** How long a verified token may be remembered. */
export interface CacheLifetime {
  /** Clock skew tolerated, in seconds: an entry outlives the token's `exp` by this much. */
  readonly clockTolerance: number;
  /** Maximum token age from `iat`, in seconds; `undefined` for no limit. */
  readonly maxTokenAge: number | undefined;
}

/**
 * When (epoch milliseconds) a token that verified stops being valid: its `exp`, or `iat + maxTokenAge`
 * when that comes first, plus the clock tolerance.
 */
export function cacheUntil(claims: Readonly<TokenClaims>, lifetime: CacheLifetime): number {
  const { exp, iat } = claims;
  let until = (exp as number) * 1000;
  if (lifetime.maxTokenAge !== undefined && typeof iat === 'number') {
    until = Math.min(until, (iat + lifetime.maxTokenAge) * 1000);
  }
  return until + lifetime.clockTolerance * 1000;
}

/**
 * The principals of verified tokens, by token (bounded LRU), each kept until the token stops being valid
 * (see {@link cacheUntil}), so that a token presented again costs a lookup, not a signature check. A hit
 * is `ExpiringLru.get` itself (`get(token, now)`): no extra call, no allocation.
 */
export class VerifiedTokenCache extends ExpiringLru<string, Principal> {
  readonly #lifetime: CacheLifetime;

  /** `size` is how many tokens to remember; `0` disables the cache. */
  constructor(size: number, lifetime: CacheLifetime) {
    super(size);
    this.#lifetime = lifetime;
  }

  /** Remembers a principal under its token until the token stops being valid. */
  remember(principal: Principal): void {
    this.set(principal.token, principal, cacheUntil(principal.claims, this.#lifetime));
  }
}
