/** `RequestInit` with the `duplex` that Node's `fetch` needs for a stream body. */
export type Init = RequestInit & { duplex?: 'half' };

/** One request of a redirect chain: where it goes, and what it sends. */
export interface Hop {
  readonly url: URL;
  readonly method: string;
  readonly headers: Headers;
  readonly body: unknown;
}

/** What a request is made of, from `(input, init)` as `fetch` takes them: its first hop, and the rest. */
export interface Parts extends Hop {
  readonly redirect: RequestRedirect;
  /** The other settings (signal, credentials, cache, …), passed on every hop. */
  readonly rest: Init;
}

/**
 * Whether a body can be sent a second time (on a `307`/`308` and on the retry): none, a string, a
 * buffer, `URLSearchParams`, `FormData` or a `Blob`; not a `ReadableStream`.
 */
export function replayable(body: unknown): boolean {
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

/**
 * A `Request` given as input keeps everything it carries: method, headers, body, redirect mode, signal,
 * credentials, cache, mode, referrer and the rest, with `init` taking precedence as in `new Request(input,
 * init)`. Its body is read into memory, so that it can be replayed (on a `307`/`308` and on the retry);
 * a body passed as `init.body` is used as it is.
 */
export async function partsOf(input: string | URL | Request, init: Init | undefined): Promise<Parts> {
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
