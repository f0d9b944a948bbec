import type { Token, TokenSource } from '../tokens/token-source.js';

/** The `error` parameter of a `WWW-Authenticate` challenge, lower-cased, if there is one. */
function challengeError(challenge: string | null | undefined): string | undefined {
  if (challenge === null || challenge === undefined) return undefined;
  const match = /(?:^|[\s,])error\s*=\s*(?:"([^"]*)"|([^\s,"]+))/i.exec(challenge);
  return (match?.[1] ?? match?.[2])?.toLowerCase();
}

/**
 * Whether a resource server's answer says the access token itself is no good, so that a fresh token may
 * succeed: a `401`, or a challenge with `error="invalid_token"` (RFC 6750 §3.1) whatever the status. A
 * `401` whose challenge says `error="insufficient_scope"` is not: a fresh token for the same client and
 * scope would be refused the same way. Every outbound adapter (`authFetch`, `@m2m-auth/axios`) decides
 * its one retry with this.
 *
 * @example
 * ```ts
 * if (rejectsToken(res.status, res.headers.get('www-authenticate'))) await source.invalidate(token.value);
 * ```
 */
export function rejectsToken(status: number, challenge: string | null | undefined): boolean {
  const error = challengeError(challenge);
  if (error === 'invalid_token') return true;
  return status === 401 && error !== 'insufficient_scope';
}

/**
 * What an outbound adapter does once a resource server refused `token` ({@link rejectsToken}): drops it
 * from `source` (so that the next call starts with a fresh one, whatever happens now), then returns a
 * fresh token to retry with, or `undefined` when there is no retry: the request's body cannot be sent
 * again (a stream), or the source hands out the same value again (a static key). `authFetch` and
 * `@m2m-auth/axios` both decide their one retry with this.
 *
 * @param canReplay Whether the request's body can be sent a second time.
 * @example
 * ```ts
 * const fresh = await renewRejectedToken(source, sent, true);
 * if (fresh !== undefined) response = await send(fresh);
 * ```
 */
export async function renewRejectedToken(
  source: TokenSource,
  token: Token,
  canReplay: boolean,
): Promise<Token | undefined> {
  await source.invalidate(token.value);
  if (!canReplay) return undefined;
  const fresh = await source.getToken();
  return fresh.value === token.value ? undefined : fresh;
}
