import {
  InvalidTokenResponseError,
  TokenEndpointCooldownError,
  TokenRequestError,
  TokenRequestNetworkError,
  TokenRequestTimeoutError,
  TokenSourceClosedError,
} from '../errors.js';
import { FetchJsonError, readBodyLimited, type FetchLike } from './fetch-json.js';
import { parseRetryAfter } from './retry-after.js';

/** Statuses whose responses have no body (Fetch standard, "null body status"), past 1xx. */
const NULL_BODY = new Set([204, 205]);

export interface GuardedFetchOptions {
  fetch: FetchLike;
  /** Timeout (in milliseconds) of each request, body included. */
  timeout: number;
  /** Largest accepted body (in bytes). */
  maxBytes: number;
  /** Aborts when the token source closes. */
  closed: AbortSignal;
  /** The endpoint to name in errors. */
  label: string;
  /** Default cooldown (in milliseconds) after a `429` without `Retry-After`. */
  defaultCooldown: number;
}

/**
 * Wraps `fetch` for requests to an authorization server (handed to `openid-client` through its
 * `customFetch` hook): a timeout on each request, body included; redirects never followed (a `3xx` is an
 * error); `204`/`205` (no content, so no token response) an {@link InvalidTokenResponseError}; `429`/`503`
 * + `Retry-After` turned into a cooldown; `5xx` into a retryable error; bodies read with a size limit. Errors thrown here are m2m-auth's own; `openid-client` wraps them in its `cause`.
 */
export function guardedFetch(options: GuardedFetchOptions): FetchLike {
  return async (input, init) => {
    if (options.closed.aborted) throw new TokenSourceClosedError(options.label);
    const timeout = AbortSignal.timeout(options.timeout);
    const signals = [timeout, options.closed];
    if (init?.signal) signals.push(init.signal);
    const signal = AbortSignal.any(signals);
    const failed = (cause: unknown): Error => {
      if (options.closed.aborted) return new TokenSourceClosedError(options.label);
      if (timeout.aborted) return new TokenRequestTimeoutError(options.label, options.timeout);
      return new TokenRequestNetworkError(options.label, { cause });
    };
    let response: Response;
    try {
      response = await options.fetch(input, { ...init, redirect: 'manual', signal });
    } catch (cause) {
      throw failed(cause);
    }
    const { status } = response;
    if (status >= 300 && status < 400) {
      await response.body?.cancel().catch(() => undefined);
      const why = status === 304 ? 'not a token or metadata response' : 'a redirect, which is never followed';
      throw new TokenRequestError(`${options.label} answered HTTP ${status} (${why})`, options.label, {
        status,
      });
    }
    if (NULL_BODY.has(status)) {
      // 204/205 are successes without content: no token response, and no body `Response` can carry.
      await response.body?.cancel().catch(() => undefined);
      throw new InvalidTokenResponseError(
        'missing_access_token',
        `${options.label} answered HTTP ${status} with no content`,
        options.label,
        status,
      );
    }
    if (status === 429 || status === 503) {
      const retryAfter = parseRetryAfter(response.headers.get('retry-after'), Date.now());
      if (status === 429 || retryAfter !== undefined) {
        await response.body?.cancel().catch(() => undefined);
        const delay = retryAfter ?? options.defaultCooldown;
        throw new TokenEndpointCooldownError(options.label, new Date(Date.now() + delay), status);
      }
    }
    if (status >= 500) {
      // Past 599 too, which `Response` could not be rebuilt with: a server fault.
      await response.body?.cancel().catch(() => undefined);
      throw new TokenRequestError(`${options.label} answered HTTP ${status}`, options.label, { status });
    }
    let text: string;
    try {
      text = await readBodyLimited(response, options.maxBytes);
    } catch (cause) {
      if (cause instanceof FetchJsonError && cause.failure === 'too_large') {
        throw new InvalidTokenResponseError(
          'too_large',
          `${options.label} answered with a body larger than ${options.maxBytes} bytes`,
          options.label,
          status,
        );
      }
      throw failed(cause);
    }
    return new Response(status === 200 ? withDefaultTokenType(text) : text, {
      status,
      statusText: response.statusText,
      headers: withoutLengthHeaders(response.headers),
    });
  };
}

/**
 * RFC 6749 requires `token_type`, but some servers leave it out of their token responses; those tokens
 * are bearer tokens. Adds `"token_type": "Bearer"` to a JSON object that has an `access_token` and no
 * `token_type`; leaves every other body alone.
 */
function withDefaultTokenType(text: string): string {
  if (!text.includes('access_token') || text.includes('token_type')) return text;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return text;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return text;
  const body = json as Record<string, unknown>;
  if (typeof body.access_token !== 'string' || body.token_type !== undefined) return text;
  return JSON.stringify({ ...body, token_type: 'Bearer' });
}

/** The body is re-encoded: its length and encoding headers no longer apply. */
function withoutLengthHeaders(source: Headers): Headers {
  const headers = new Headers(source);
  headers.delete('content-length');
  headers.delete('content-encoding');
  return headers;
}
