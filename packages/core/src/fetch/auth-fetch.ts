import { ConfigurationError } from '../errors.js';
import type { FetchLike } from '../lib/fetch-json.js';
import { isSecureUrl, parseSecureUrl } from '../lib/secure-url.js';
import type { Token, TokenSource } from '../tokens/token-source.js';
import { rejectsToken } from './token-rejection.js';

/**
 * Options of {@link authFetch}.
 *
 * @example
 * ```ts
 * authFetch(source, { origins: ['https://api.example', 'http://127.0.0.1:8080'] });
 * ```
 */
export interface AuthFetchOptions {
  /**
   * Origins (`https://api.example`, no path) whose requests get the token. Required unless `anyOrigin`.
   * `http:` origins only on loopback or with `allowInsecureRequests`.
   */
  origins?: readonly (string | URL)[];
  /**
   * Send the token to every origin (`https:`, or `http:` on loopback or with `allowInsecureRequests`).
   * Default is false; prefer `origins`.
   */
  anyOrigin?: boolean;
  /** Allow `http:` origins on non-loopback hosts. Default is false. */
  allowInsecureRequests?: boolean;
  /** Largest number of redirects followed. Default is 20, as in `fetch`. */
  maxRedirects?: number;
  /** The underlying `fetch`. Default is the global `fetch`. */
  fetch?: FetchLike;
}

type Init = RequestInit & { duplex?: 'half' };

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const BODY_HEADERS = [
  'content-type',
  'content-length',
  'content-encoding',
  'content-language',
  'content-location',
];

function replayable(body: unknown): boolean {
  return (
    body === null ||
    body === undefined ||
    typeof body === 'string' ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body) ||
    body instanceof URLSearchParams ||
    body instanceof FormData ||
    body instanceof Blob
  );
}

/** Headers that never follow a redirect to another origin (as the Fetch standard and undici do). */
const CROSS_ORIGIN_DROPPED = ['authorization', 'proxy-authorization', 'cookie', 'host'];

/** What a request is made of, from `(input, init)` as `fetch` takes them. */
interface Parts {
  url: URL;
  method: string;
  headers: Headers;
  body: unknown;
  redirect: RequestRedirect;
  rest: Init;
}

/**
 * A `Request` given as input keeps everything it carries: method, headers, body, redirect mode, signal,
 * credentials, cache, mode, referrer and the rest, with `init` taking precedence as in `new Request(input,
 * init)`. Its body is read into memory, so that it can be replayed (on a `307`/`308` and on the retry);
 * a body passed as `init.body` is used as it is.
 */
async function partsOf(input: string | URL | Request, init: Init | undefined): Promise<Parts> {
  if (!(input instanceof Request)) {
    const { method, headers, body, redirect, ...rest } = init ?? {};
    return {
      url: new URL(input),
      method: (method ?? 'GET').toUpperCase(),
      headers: new Headers(headers),
      body: body ?? null,
      redirect: redirect ?? 'follow',
      rest,
    };
  }
  const { body: initBody, ...others } = init ?? {};
  const request = init === undefined ? input : new Request(input, others);
  let body: unknown = initBody ?? null;
  if (body === null && request.body !== null) body = new Uint8Array(await request.arrayBuffer());
  return {
    url: new URL(request.url),
    method: request.method,
    headers: new Headers(request.headers),
    body,
    redirect: request.redirect,
    rest: {
      signal: request.signal,
      credentials: request.credentials,
      cache: request.cache,
      mode: request.mode,
      referrer: request.referrer,
      referrerPolicy: request.referrerPolicy,
      integrity: request.integrity,
      keepalive: request.keepalive,
    },
  };
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
  if (
    typeof source !== 'object' ||
    source === null ||
    typeof source.getToken !== 'function' ||
    typeof source.invalidate !== 'function'
  ) {
    throw new ConfigurationError('source must be a TokenSource (getToken, invalidate)');
  }
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError('options are required: pass origins (or anyOrigin: true)');
  }
  for (const name of ['anyOrigin', 'allowInsecureRequests'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'boolean') {
      throw new ConfigurationError(`${name} must be a boolean`);
    }
  }
  const insecure = options.allowInsecureRequests === true;
  const anyOrigin = options.anyOrigin === true;
  if (anyOrigin && options.origins !== undefined) {
    throw new ConfigurationError('pass either origins or anyOrigin, not both');
  }
  if (!anyOrigin && (!Array.isArray(options.origins) || options.origins.length === 0)) {
    throw new ConfigurationError('origins must be a non-empty array of origins (or set anyOrigin: true)');
  }
  const origins = new Set<string>();
  for (const entry of options.origins ?? []) {
    const url = parseSecureUrl(entry, 'origins', insecure);
    if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
      throw new ConfigurationError('origins entries must be bare origins such as https://api.example');
    }
    origins.add(url.origin);
  }
  const maxRedirects = options.maxRedirects ?? 20;
  if (!Number.isInteger(maxRedirects) || maxRedirects < 0) {
    throw new ConfigurationError('maxRedirects must be a non-negative integer');
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw new ConfigurationError('fetch must be a function');
  }
  const baseFetch: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));

  const allowed = (url: URL): boolean => origins.has(url.origin) || (anyOrigin && isSecureUrl(url, insecure));

  return async (input, init) => {
    const { url, method, headers, body, redirect: redirectMode, rest } = await partsOf(input, init);
    const canReplay = replayable(body);
    const firstOrigin = url.origin;

    const chain = async (token: Token | undefined) => {
      let hopUrl = url;
      let hopMethod = method;
      let hopBody = body;
      const hopHeaders = new Headers(headers);
      for (let hops = 0; ; hops++) {
        const sent = new Headers(hopHeaders);
        // The token sent on this hop only: a 401 from a hop that got no token says nothing about it.
        let used: Token | undefined;
        if (allowed(hopUrl)) {
          token ??= await source.getToken();
          used = token;
          sent.set('authorization', `${token.type} ${token.value}`);
        } else if (hopUrl.origin !== firstOrigin) {
          for (const name of CROSS_ORIGIN_DROPPED) sent.delete(name);
        }
        const hopInit: Init = { ...rest, method: hopMethod, headers: sent, redirect: 'manual' };
        if (hopBody !== null && hopBody !== undefined) {
          hopInit.body = hopBody as BodyInit;
          if (!replayable(hopBody)) hopInit.duplex = 'half';
        }
        const response = await baseFetch(hopUrl, hopInit);
        const location = response.headers.get('location');
        if (!REDIRECTS.has(response.status) || location === null || redirectMode === 'manual') {
          return { response, used };
        }
        await response.body?.cancel().catch(() => undefined);
        if (redirectMode === 'error')
          throw new TypeError('fetch failed: redirect while redirect mode is "error"');
        if (hops >= maxRedirects) throw new TypeError('fetch failed: too many redirects');
        const next = new URL(location, hopUrl);
        if (next.protocol !== 'https:' && next.protocol !== 'http:') {
          throw new TypeError('fetch failed: redirect to a URL that is not http(s)');
        }
        if (
          (response.status === 303 && hopMethod !== 'GET' && hopMethod !== 'HEAD') ||
          ((response.status === 301 || response.status === 302) && hopMethod === 'POST')
        ) {
          hopMethod = 'GET';
          hopBody = null;
          for (const name of BODY_HEADERS) hopHeaders.delete(name);
        } else if (!replayable(hopBody)) {
          throw new TypeError('fetch failed: cannot follow a 307/308 redirect with a stream body');
        }
        if (next.origin !== hopUrl.origin) for (const name of CROSS_ORIGIN_DROPPED) hopHeaders.delete(name);
        hopUrl = next;
      }
    };

    const first = await chain(undefined);
    if (!first.used || !rejectsToken(first.response.status, first.response.headers.get('www-authenticate')))
      return first.response;
    // The token is refused either way: drop it, so that the next call starts with a fresh one.
    await source.invalidate(first.used.value);
    if (!canReplay) return first.response;
    const fresh = await source.getToken();
    if (fresh.value === first.used.value) return first.response;
    await first.response.body?.cancel().catch(() => undefined);
    return (await chain(fresh)).response;
  };
}
