import type { TokenSource } from '../tokens/token-source.js';

/**
 * Whether `value` can hand out tokens: an object with `getToken` and `invalidate` methods (a
 * `ClientCredentials`, a `StaticToken`, or a source of your own). The one check behind `authFetch`,
 * `attachTokens` and `M2mHttpModule`, which also tells a `TokenSource` from `ClientCredentials` options.
 *
 * @example
 * ```ts
 * isTokenSource(new StaticToken(process.env.API_KEY!)); // true
 * isTokenSource({ issuer, clientId, clientSecret }); // false: options, not a source
 * ```
 */
export function isTokenSource(value: unknown): value is TokenSource {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as TokenSource).getToken === 'function' &&
    typeof (value as TokenSource).invalidate === 'function'
  );
}
