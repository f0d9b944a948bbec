import { rejectsToken, renewRejectedToken, type TokenSource } from '@m2m-auth/core';
import type { AxiosInstance, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import type { Sent } from './request-interceptor.js';

/**
 * Marks the one retry on a request config. A string key, because axios copies a config's own
 * enumerable string keys (not symbols) when a request is made from it.
 */
const RETRY_MARK = 'm2mAuthRetry';

type Marked = InternalAxiosRequestConfig & { [RETRY_MARK]?: true };

/** The response interceptor's two handlers, as `interceptors.response.use` takes them. */
export interface RetryInterceptors {
  readonly onResponse: (response: AxiosResponse) => Promise<AxiosResponse>;
  readonly onError: (error: unknown) => Promise<AxiosResponse>;
}

/** A body that axios can send a second time: none, a string, a buffer, form data; not a stream. */
export function replayable(data: unknown): boolean {
  if (data === undefined || data === null) return true;
  if (typeof data !== 'object') return true;
  if (typeof (data as { pipe?: unknown }).pipe === 'function') return false;
  if (typeof ReadableStream !== 'undefined' && data instanceof ReadableStream) return false;
  return true;
}

/** A header of a response, from axios' `AxiosHeaders` or a plain object. */
export function headerValue(headers: unknown, name: string): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const get = (headers as { get?: unknown }).get;
  const value =
    typeof get === 'function'
      ? (get as (n: string) => unknown).call(headers, name)
      : (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The origin of the URL that gave the response, after redirects: `res.responseUrl` of the Node adapter
 * (follow-redirects), `responseURL` of the XHR adapter. `undefined` when the adapter does not tell (the
 * `fetch` adapter): then the response is taken as coming from the URL that was asked for.
 */
export function finalOrigin(response: AxiosResponse): string | undefined {
  const request = response.request as
    { res?: { responseUrl?: unknown }; responseURL?: unknown } | null | undefined;
  const url = request?.res?.responseUrl ?? request?.responseURL;
  if (typeof url !== 'string' || url === '') return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** Whether the answer says the token itself is no good (core's rule, shared with `authFetch`). */
function tokenRejected(response: AxiosResponse): boolean {
  return rejectsToken(response.status, headerValue(response.headers, 'www-authenticate'));
}

/**
 * The response interceptor: a response (or an error with a response) that refuses the token its
 * request carried invalidates exactly that token, and retries the request once with a fresh one, when
 * the body can be sent again and the answer came from the origin the token was sent to. The retry is
 * marked, so it is never retried itself.
 */
export function retryInterceptors(
  instance: AxiosInstance,
  source: TokenSource,
  sentWith: WeakMap<object, Sent>,
): RetryInterceptors {
  /** The retried response, or `undefined` when the request must not be retried. */
  const retry = async (response: AxiosResponse): Promise<AxiosResponse | undefined> => {
    const config = response.config as Marked | undefined;
    if (config === undefined || config[RETRY_MARK] === true) return undefined;
    const sent = sentWith.get(config);
    if (sent === undefined) return undefined;
    // A 401 from another origin, reached by a redirect, says nothing about the token.
    const answered = finalOrigin(response);
    if (answered !== undefined && answered !== sent.origin) return undefined;
    // As in authFetch, a body that cannot be sent again still invalidates the token.
    const fresh = await renewRejectedToken(source, sent.token, replayable(config.data));
    if (fresh === undefined) return undefined;
    const again: Marked = { ...config, [RETRY_MARK]: true };
    return instance.request(again);
  };

  return {
    async onResponse(response) {
      if (!tokenRejected(response)) return response;
      return (await retry(response)) ?? response;
    },
    async onError(error) {
      const failed = error as { isAxiosError?: boolean; response?: AxiosResponse };
      if (failed?.isAxiosError !== true || !failed.response || !tokenRejected(failed.response)) throw error;
      const retried = await retry(failed.response);
      if (retried === undefined) throw error;
      return retried;
    },
  };
}
