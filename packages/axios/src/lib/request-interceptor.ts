import type { OriginPolicy, Token, TokenSource } from '@m2m-auth/core';
import type { AxiosInstance, InternalAxiosRequestConfig } from 'axios';
import type { RedirectGuard } from './redirect-guard.js';

/** The token a request was sent with, and where. */
export interface Sent {
  readonly token: Token;
  /** The origin the token was sent to. */
  readonly origin: string;
}

/** What the request interceptor works with; `sentWith` is shared with the response interceptor. */
export interface RequestContext {
  readonly instance: AxiosInstance;
  readonly source: TokenSource;
  readonly policy: OriginPolicy;
  readonly guard: RedirectGuard;
  /** The token each request was sent with, keyed by the config object axios hands back with the response. */
  readonly sentWith: WeakMap<object, Sent>;
}

/**
 * The request interceptor: a request whose URL (resolved from `baseURL` and `url` as axios does) the
 * policy allows gets `Authorization: <type> <token>` and a redirect hook that strips it on another
 * origin; any other request loses what an earlier pass of ours added.
 */
export function tokenRequestInterceptor({
  instance,
  source,
  policy,
  guard,
  sentWith,
}: RequestContext): (config: InternalAxiosRequestConfig) => Promise<InternalAxiosRequestConfig> {
  const targetOf = (config: InternalAxiosRequestConfig): URL | undefined => {
    try {
      return new URL(instance.getUri(config));
    } catch {
      return undefined; // a relative URL without baseURL: no origin, no token
    }
  };

  return async (config) => {
    const target = targetOf(config);
    if (target === undefined || !policy.allows(target)) {
      guard.forget(config);
      return config;
    }
    const token = await source.getToken();
    const credentials = `${token.type} ${token.value}`;
    config.headers.set('Authorization', credentials);
    config.beforeRedirect = guard.strip(target.origin, credentials, config.beforeRedirect);
    sentWith.set(config, { token, origin: target.origin });
    return config;
  };
}
