import {
  ConfigurationError,
  createOriginPolicy,
  isTokenSource,
  type OriginPolicyOptions,
  type TokenSource,
} from '@m2m-auth/core';
import type { AxiosInstance } from 'axios';
import { RedirectGuard } from './lib/redirect-guard.js';
import { tokenRequestInterceptor, type Sent } from './lib/request-interceptor.js';
import { retryInterceptors } from './lib/response-interceptor.js';

/**
 * Options of {@link attachTokens}: which origins get the token ({@link OriginPolicyOptions}). Pass
 * `origins` or `anyOrigin: true`; the request URL is resolved from `baseURL` and `url` as axios does.
 *
 * @example
 * ```ts
 * const options: AttachTokensOptions = { origins: ['https://acme.api.example', 'https://files.example'] };
 * ```
 */
export type AttachTokensOptions = OriginPolicyOptions;

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
  createOriginPolicy(options);
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
  const policy = createOriginPolicy(options);
  const sentWith = new WeakMap<object, Sent>();
  const guard = new RedirectGuard();

  const requestId = instance.interceptors.request.use(
    tokenRequestInterceptor({ instance, source, policy, guard, sentWith }),
  );
  const { onResponse, onError } = retryInterceptors(instance, source, sentWith);
  const responseId = instance.interceptors.response.use(onResponse, onError);

  let detached = false;
  return () => {
    if (detached) return;
    detached = true;
    instance.interceptors.request.eject(requestId);
    instance.interceptors.response.eject(responseId);
  };
}
