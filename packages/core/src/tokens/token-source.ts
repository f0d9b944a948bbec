/**
 * An access token as a token source hands it out.
 *
 * `expiresAt` is a number: milliseconds since the Unix epoch (what `Date.now()` returns), so that tokens
 * survive JSON round trips through shared stores. It is `Infinity` for tokens that never expire
 * ({@link StaticToken}).
 *
 * @example
 * ```ts
 * const token: Token = await source.getToken();
 * const secondsLeft = (token.expiresAt - Date.now()) / 1000;
 * ```
 */
export interface Token {
  /** The access token itself. Never log it. */
  readonly value: string;
  /** The authorization scheme to send it with: `Bearer`, `DPoP`, or a static token's scheme. */
  readonly type: string;
  /** When the token expires, in milliseconds since the Unix epoch; `Infinity` for none. */
  readonly expiresAt: number;
  /** Granted scope (space-separated), as the server echoed it or as requested; `undefined` if neither. */
  readonly scope: string | undefined;
}

/**
 * Anything that hands out access tokens: {@link ClientCredentials}, {@link RefreshTokenSource},
 * {@link StaticToken}, or your own.
 *
 * @example
 * ```ts
 * const source: TokenSource = new StaticToken(process.env.API_KEY!, { scheme: 'Basic' });
 * const api = authFetch(source, { origins: ['https://api.example'] });
 * ```
 */
export interface TokenSource {
  /** A token that is valid now: cached when possible, obtained otherwise. */
  getToken(): Promise<Token>;
  /**
   * Forgets `value` (after the resource server rejected it with a `401`), only if it is still the cached
   * token: a late `401` for an old token leaves a newer one in place.
   */
  invalidate(value: string): Promise<void>;
  /** Stops the source: in-flight requests are aborted and `getToken()` throws from then on. */
  close(): void;
}
