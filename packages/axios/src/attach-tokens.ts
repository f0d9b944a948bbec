import { ConfigurationError, rejectsToken, type Token, type TokenSource } from '@m2m-auth/core';
import type { AxiosInstance, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { isSecure, parseOrigins } from './lib/origins.js';

/**
 * Options of {@link attachTokens}. Pass `origins` or `anyOrigin: true`.
 *
 * @example
 * ```ts
 * const options: AttachTokensOptions = { origins: ['https://acme.api.example', 'https://files.example'] };
 * ```
 */
export interface AttachTokensOptions {
  /**
   * Origins (`https://api.example`, no path) whose requests get the token; the request URL is resolved
   * from `baseURL` and `url` as axios does. Required unless `anyOrigin`. `http:` origins only on a
   * loopback host or with `allowInsecureRequests`.
   */
  origins?: readonly (string | URL)[];
  /**
   * Send the token to every `https:` origin (and `http:` on loopback, or anywhere with
   * `allowInsecureRequests`). Default is `false`; prefer `origins`.
   */
  anyOrigin?: boolean;
  /** Allow `http:` origins on non-loopback hosts. Default is `false`: never do this in production. */
  allowInsecureRequests?: boolean;
}

/**
 * Removes the interceptors that {@link attachTokens} added; calling it again does nothing.
 *
 * @example
 * ```ts
 * const detach: DetachTokens = attachTokens(api, source, { origins });
 * detach();
 * ```
 */
export type DetachTokens = () => void;

/**
 * Marks the one retry on a request config. A string key, because axios copies a config's own
 * enumerable string keys (not symbols) when a request is made from it.
 */
const RETRY_MARK = 'm2mAuthRetry';

type Marked = InternalAxiosRequestConfig & { [RETRY_MARK]?: true };
type RedirectHook = NonNullable<InternalAxiosRequestConfig['beforeRedirect']>;

interface Sent {
  readonly token: Token;
  /** The origin the token was sent to. */
  readonly origin: string;
}

interface Wrapped {
  /** The hook of the user's config that ours calls first. */
  readonly user: RedirectHook | undefined;
  /** The `Authorization` value ours strips. */
  readonly credentials: string;
}

function isTokenSource(value: unknown): value is TokenSource {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as TokenSource).getToken === 'function' &&
    typeof (value as TokenSource).invalidate === 'function'
  );
}

/** A body that axios can send a second time: none, a string, a buffer, form data; not a stream. */
function replayable(data: unknown): boolean {
  if (data === undefined || data === null) return true;
  if (typeof data !== 'object') return true;
  if (typeof (data as { pipe?: unknown }).pipe === 'function') return false;
  if (typeof ReadableStream !== 'undefined' && data instanceof ReadableStream) return false;
  return true;
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const get = (headers as { get?: unknown }).get;
  const value =
    typeof get === 'function'
      ? (get as (n: string) => unknown).call(headers, name)
      : (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/** Whether the answer says the token itself is no good (core's rule, shared with `authFetch`). */
function tokenRejected(response: AxiosResponse): boolean {
  return rejectsToken(response.status, headerValue(response.headers, 'www-authenticate'));
}

/** The origin of the next hop of a redirect, from follow-redirects' request options. */
function redirectOrigin(options: Record<string, unknown>): string | undefined {
  try {
    if (typeof options.href === 'string') return new URL(options.href).origin;
    const protocol = options.protocol;
    const hostname = options.hostname;
    if (typeof protocol !== 'string' || typeof hostname !== 'string') return undefined;
    const raw = options.port;
    const port = typeof raw === 'number' || (typeof raw === 'string' && raw !== '') ? `:${raw}` : '';
    const host = hostname.includes(':') ? `[${hostname}]` : hostname;
    return new URL(`${protocol}//${host}${port}`).origin;
  } catch {
    return undefined;
  }
}

/**
 * The origin of the URL that gave the response, after redirects: `res.responseUrl` of the Node adapter
 * (follow-redirects), `responseURL` of the XHR adapter. `undefined` when the adapter does not tell (the
 * `fetch` adapter): then the response is taken as coming from the URL that was asked for.
 */
function finalOrigin(response: AxiosResponse): string | undefined {
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

interface Resolved {
  readonly origins: ReadonlySet<string>;
  readonly anyOrigin: boolean;
  readonly insecure: boolean;
}

function resolveOptions(options: unknown): Resolved {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError('options are required: pass origins (or anyOrigin: true)');
  }
  const o = options as AttachTokensOptions;
  if (o.allowInsecureRequests !== undefined && typeof o.allowInsecureRequests !== 'boolean') {
    throw new ConfigurationError('allowInsecureRequests must be a boolean');
  }
  if (o.anyOrigin !== undefined && typeof o.anyOrigin !== 'boolean') {
    throw new ConfigurationError('anyOrigin must be a boolean');
  }
  const insecure = o.allowInsecureRequests === true;
  const anyOrigin = o.anyOrigin === true;
  if (anyOrigin && o.origins !== undefined) {
    throw new ConfigurationError('pass either origins or anyOrigin, not both');
  }
  const origins = anyOrigin ? new Set<string>() : parseOrigins(o.origins, 'origins', insecure);
  return { origins, anyOrigin, insecure };
}

/**
 * Checks {@link AttachTokensOptions} exactly as {@link attachTokens} does, without an axios instance:
 * for code that takes these options at configuration time and attaches later (`M2mHttpModule`).
 *
 * @throws ConfigurationError naming the option.
 * @example
 * ```ts
 * checkAttachTokensOptions({ origins: ['https://acme.api.example'] }); // throws on a bad origin
 * ```
 */
export function checkAttachTokensOptions(options: AttachTokensOptions): void {
  resolveOptions(options);
}

/**
 * Adds interceptors to an axios instance: requests to the allowed origins get `Authorization: <type>
 * <token>` from `source`; a `401` (or `WWW-Authenticate: … error="invalid_token"`) for a request that
 * carried a token invalidates exactly that token value and retries the request once with a fresh token,
 * when the body can be sent again (not a stream) and the answer came from the origin the token was sent
 * to (a `401` from another origin reached by a redirect is left alone; the `fetch` adapter does not
 * expose the final URL, so there the answer is taken as the requested origin's). The retry is marked
 * (an `m2mAuthRetry: true` key on its config), so it is never retried itself.
 *
 * A redirect to another origin loses the token: axios' Node adapter (follow-redirects) is given a
 * `beforeRedirect` hook that removes the header this function added whenever the next hop's origin
 * differs from the request's (older axios versions keep it for a subdomain). With axios' `fetch` adapter
 * the runtime's `fetch` drops `Authorization` on cross-origin redirects itself. This holds for the retry
 * and for a config sent again (`error.config`, as axios-retry does): each request's hook strips the
 * value that request carries; a config sent again to an origin that gets no token loses the header.
 *
 * @param instance The axios instance (`axios.create(…)`); the default `axios` works too.
 * @param source Where tokens come from: a `ClientCredentials`, or any `TokenSource`.
 * @returns A function that removes both interceptors.
 * @throws ConfigurationError when the source or an option is invalid, naming it.
 * @example
 * ```ts
 * import axios from 'axios';
 * import { ClientCredentials } from '@m2m-auth/core';
 * import { attachTokens } from '@m2m-auth/axios';
 *
 * const source = new ClientCredentials({ issuer, clientId: 'MPS-test', clientSecret, scope: 'project-45c0' });
 * const api = axios.create({ baseURL: 'https://acme.api.example' });
 * const detach = attachTokens(api, source, { origins: ['https://acme.api.example'] });
 * const { data } = await api.get('/v1/projects/45c0/tables');
 * ```
 */
export function attachTokens(
  instance: AxiosInstance,
  source: TokenSource,
  options: AttachTokensOptions,
): DetachTokens {
  if (
    (typeof instance !== 'function' && typeof instance !== 'object') ||
    instance === null ||
    typeof instance.interceptors?.request?.use !== 'function' ||
    typeof instance.request !== 'function'
  ) {
    throw new ConfigurationError('instance must be an axios instance (axios.create())');
  }
  if (!isTokenSource(source)) {
    throw new ConfigurationError('source must be a TokenSource (getToken, invalidate)');
  }
  const { origins, anyOrigin, insecure } = resolveOptions(options);

  const allowed = (url: URL): boolean => origins.has(url.origin) || (anyOrigin && isSecure(url, insecure));

  const targetOf = (config: InternalAxiosRequestConfig): URL | undefined => {
    try {
      return new URL(instance.getUri(config));
    } catch {
      return undefined; // a relative URL without baseURL: no origin, no token
    }
  };

  // The token each request was sent with, and its origin; keyed by the config object axios hands back
  // with the response.
  const sentWith = new WeakMap<object, Sent>();
  // Each redirect hook this function made -> the user's own hook it wraps, and the credentials it strips.
  const hooks = new WeakMap<RedirectHook, Wrapped>();

  /**
   * A redirect hook that strips `credentials` on a hop to another origin, and calls the user's own hook.
   * A config that carries one of our hooks (a retry, or `error.config` sent again) gets a new hook built
   * around the user's original one, so the credentials compared are always those sent now.
   */
  const stripOnRedirect = (origin: string, credentials: string, current: RedirectHook | undefined) => {
    const user = current === undefined ? undefined : (hooks.get(current)?.user ?? current);
    const hook: RedirectHook = (redirect, responseDetails, requestDetails) => {
      user?.(redirect, responseDetails, requestDetails);
      if (redirectOrigin(redirect) === origin) return;
      const headers = redirect.headers as Record<string, unknown> | undefined;
      if (!headers) return;
      for (const name of Object.keys(headers)) {
        if (name.toLowerCase() === 'authorization' && headers[name] === credentials) delete headers[name];
      }
    };
    hooks.set(hook, { user, credentials });
    return hook;
  };

  /**
   * A config made from one we handled (`error.config` sent again) to an origin that gets no token: the
   * header and hook we added are removed, so the old token does not travel with it.
   */
  const forget = (config: InternalAxiosRequestConfig): void => {
    const current = config.beforeRedirect;
    const wrapped = current === undefined ? undefined : hooks.get(current);
    if (wrapped === undefined) return;
    if (config.headers.get('Authorization') === wrapped.credentials) config.headers.delete('Authorization');
    config.beforeRedirect = wrapped.user;
  };

  const requestId = instance.interceptors.request.use(async (config) => {
    const target = targetOf(config);
    if (target === undefined || !allowed(target)) {
      forget(config);
      return config;
    }
    const token = await source.getToken();
    const credentials = `${token.type} ${token.value}`;
    config.headers.set('Authorization', credentials);
    config.beforeRedirect = stripOnRedirect(target.origin, credentials, config.beforeRedirect);
    sentWith.set(config, { token, origin: target.origin });
    return config;
  });

  /**
   * Invalidates the token the request carried and retries once with a fresh one, or returns `undefined`
   * when the request must not be retried. As in `authFetch`, a body that cannot be sent again (a stream)
   * still invalidates the token, so that the next request starts with a fresh one.
   */
  const retry = async (response: AxiosResponse): Promise<AxiosResponse | undefined> => {
    const config = response.config as Marked | undefined;
    if (config === undefined || config[RETRY_MARK] === true) return undefined;
    const sent = sentWith.get(config);
    if (sent === undefined) return undefined;
    // A 401 from another origin, reached by a redirect, says nothing about the token.
    const answered = finalOrigin(response);
    if (answered !== undefined && answered !== sent.origin) return undefined;
    const { token } = sent;
    await source.invalidate(token.value);
    if (!replayable(config.data)) return undefined;
    const fresh = await source.getToken();
    if (fresh.value === token.value) return undefined;
    const again: Marked = { ...config, [RETRY_MARK]: true };
    return instance.request(again);
  };

  const responseId = instance.interceptors.response.use(
    async (response) => {
      if (!tokenRejected(response)) return response;
      return (await retry(response)) ?? response;
    },
    async (error: unknown) => {
      const failed = error as { isAxiosError?: boolean; response?: AxiosResponse; config?: Marked };
      if (failed?.isAxiosError !== true || !failed.response || !tokenRejected(failed.response)) throw error;
      const retried = await retry(failed.response);
      if (retried === undefined) throw error;
      return retried;
    },
  );

  let detached = false;
  return () => {
    if (detached) return;
    detached = true;
    instance.interceptors.request.eject(requestId);
    instance.interceptors.response.eject(responseId);
  };
}
