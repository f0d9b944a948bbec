import { replayable, type Hop } from './request-parts.js';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Headers that describe a body, dropped with it when a redirect turns the request into a `GET`. */
const BODY_HEADERS = [
  'content-type',
  'content-length',
  'content-encoding',
  'content-language',
  'content-location',
];

/** Headers that never follow a redirect to another origin (as the Fetch standard and undici do). */
const CROSS_ORIGIN_DROPPED = ['authorization', 'proxy-authorization', 'cookie', 'host'];

/** Whether `status` is a redirect that `fetch` follows (with a `Location`). */
export function isRedirect(status: number): boolean {
  return REDIRECTS.has(status);
}

/**
 * Removes the headers that must not reach another origin (`Authorization`, `Proxy-Authorization`,
 * `Cookie`, `Host`) from `headers`, in place.
 */
export function dropCrossOriginHeaders(headers: Headers): void {
  for (const name of CROSS_ORIGIN_DROPPED) headers.delete(name);
}

/**
 * The request that follows `hop` after a redirect with `status` to `location`, as `fetch` builds it: a
 * `303` (other than after `GET`/`HEAD`), or a `301`/`302` after `POST`, becomes a `GET` without body;
 * a `307`/`308` keeps method and body; a change of origin drops {@link dropCrossOriginHeaders}' headers.
 * `hop` is left as it is.
 *
 * @throws TypeError, as `fetch` fails: a redirect to a URL that is not `http(s)`, or a `307`/`308` with
 *   a stream body.
 */
export function redirectHop(hop: Hop, status: number, location: string): Hop {
  const url = new URL(location, hop.url);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError('fetch failed: redirect to a URL that is not http(s)');
  }
  const headers = new Headers(hop.headers);
  let { method, body } = hop;
  if (
    (status === 303 && method !== 'GET' && method !== 'HEAD') ||
    ((status === 301 || status === 302) && method === 'POST')
  ) {
    method = 'GET';
    body = null;
    for (const name of BODY_HEADERS) headers.delete(name);
  } else if (!replayable(body)) {
    throw new TypeError('fetch failed: cannot follow a 307/308 redirect with a stream body');
  }
  if (url.origin !== hop.url.origin) dropCrossOriginHeaders(headers);
  return { url, method, headers, body };
}
