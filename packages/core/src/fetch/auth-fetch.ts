import { ConfigurationError } from '../errors.js';
import type { FetchLike } from '../lib/fetch-json.js';
import { isTokenSource } from '../origins/is-token-source.js';
import { createOriginPolicy, type OriginPolicyOptions } from '../origins/origin-policy.js';
import type { Token, TokenSource } from '../tokens/token-source.js';
import { dropCrossOriginHeaders, isRedirect, redirectHop } from './redirect-hop.js';
import { partsOf, replayable, type Hop, type Init } from './request-parts.js';
import { rejectsToken, renewRejectedToken } from './token-rejection.js';

/**
 * Options of {@link authFetch}: which origins get the token ({@link OriginPolicyOptions}: `origins`, or
 * `anyOrigin: true`, and `allowInsecureRequests`), how many redirects to follow, and the `fetch` to use.
 *
 * @example
 * ```ts
 * authFetch(source, { origins: ['https://api.example', 'http://127.0.0.1:8080'] });
 * ```
 */
export interface AuthFetchOptions extends OriginPolicyOptions {
  /** Largest number of redirects followed. Default is 20, as in `fetch`. */
  maxRedirects?: number;
  /** The underlying `fetch`. Default is the global `fetch`. */
  fetch?: FetchLike;
}

/**
 * Returns a `fetch` that attaches `Authorization: <type> <token>` from `source` to requests whose origin
 * is allowed, and only to those. At an allowed origin the token replaces any `Authorization` header the
 * caller set; elsewhere the caller's header is left alone (and dropped, with `Cookie` and
 * `Proxy-Authorization`, when a redirect changes the origin).
 *
 * On a `401` (or `WWW-Authenticate: … error="invalid_token"`) it invalidates that token and retries once
 * with a fresh one, when the body can be replayed (none, string, buffer, `URLSearchParams`, `FormData`,
 * `Blob`, or the body of a `Request`, which is read into memory; not a `ReadableStream` passed as
 * `init.body`: then the token is still invalidated, and the `401` returned). It does not retry when the answer came, through a redirect,
 * from an origin that did not get the token, nor on a `401` whose challenge says
 * `error="insufficient_scope"` (a fresh token would be refused the same way), nor a second time.
 *
 * Redirects are followed by hand (`redirect: 'manual'` and `'error'` are honoured, `maxRedirects` bounds
 * them), so the token is attached only at allowed origins. A `Request` given as input keeps its method,
 * headers, body, signal and other settings, with `init` taking precedence as in `fetch`.
 *
 * @example
 * ```ts
 * const api = authFetch(source, { origins: ['https://acme.api.example'] });
 * const res = await api('https://acme.api.example/v1/projects/45c0/tables');
 * ```
 */
export function authFetch(source: TokenSource, options: AuthFetchOptions): FetchLike {
  if (!isTokenSource(source)) {
    throw new ConfigurationError('source must be a TokenSource (getToken, invalidate)');
  }
  const policy = createOriginPolicy(options);
  const maxRedirects = options.maxRedirects ?? 20;
  if (!Number.isInteger(maxRedirects) || maxRedirects < 0) {
    throw new ConfigurationError('maxRedirects must be a non-negative integer');
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw new ConfigurationError('fetch must be a function');
  }
  const baseFetch: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));

  return async (input, init) => {
    const parts = await partsOf(input, init);
    const { rest, redirect: redirectMode } = parts;
    const firstOrigin = parts.url.origin;

    const chain = async (token: Token | undefined) => {
      let hop: Hop = parts;
      for (let hops = 0; ; hops++) {
        const sent = new Headers(hop.headers);
        // The token sent on this hop only: a 401 from a hop that got no token says nothing about it.
        let used: Token | undefined;
        if (policy.allows(hop.url)) {
          token ??= await source.getToken();
          used = token;
          sent.set('authorization', `${token.type} ${token.value}`);
        } else if (hop.url.origin !== firstOrigin) {
          dropCrossOriginHeaders(sent);
        }
        const hopInit: Init = { ...rest, method: hop.method, headers: sent, redirect: 'manual' };
        if (hop.body !== null && hop.body !== undefined) {
          hopInit.body = hop.body as BodyInit;
          if (!replayable(hop.body)) hopInit.duplex = 'half';
        }
        const response = await baseFetch(hop.url, hopInit);
        const location = response.headers.get('location');
        if (!isRedirect(response.status) || location === null || redirectMode === 'manual') {
          return { response, used };
        }
        await response.body?.cancel().catch(() => undefined);
        if (redirectMode === 'error')
          throw new TypeError('fetch failed: redirect while redirect mode is "error"');
        if (hops >= maxRedirects) throw new TypeError('fetch failed: too many redirects');
        hop = redirectHop(hop, response.status, location);
      }
    };

    const first = await chain(undefined);
    if (!first.used || !rejectsToken(first.response.status, first.response.headers.get('www-authenticate')))
      return first.response;
    // The token is refused either way: renewRejectedToken drops it, so the next call starts afresh.
    const fresh = await renewRejectedToken(source, first.used, replayable(parts.body));
    if (fresh === undefined) return first.response;
    await first.response.body?.cancel().catch(() => undefined);
    return (await chain(fresh)).response;
  };
}
