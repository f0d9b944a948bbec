import * as oidc from 'openid-client';
import type { FetchLike } from '../lib/fetch-json.js';
import { isLoopbackHost } from '../lib/secure-url.js';

/** Authorization server metadata (OIDC Discovery or RFC 8414). */
export type ServerMetadata = oidc.ServerMetadata;

export interface DiscoverIssuerOptions {
  /**
   * Timeout (in milliseconds) for each discovery request, honoured to the millisecond (openid-client
   * counts whole seconds, so the request also carries an `AbortSignal.timeout` of exactly this).
   */
  timeout: number;
  /** Allow `http:` on any host; loopback hosts are always allowed. */
  allowInsecureRequests: boolean;
  /** Transport; default the global `fetch`. */
  fetch?: FetchLike | undefined;
  /** Client id to bind the returned configuration to; inbound use needs none. */
  clientId?: string;
  /** Client authentication for the returned configuration. */
  clientAuth?: oidc.ClientAuth;
  /** Client metadata for the returned configuration. */
  clientMetadata?: Partial<oidc.ClientMetadata>;
}

/**
 * Discovers an issuer's metadata, first through OpenID Connect Discovery
 * (`/.well-known/openid-configuration`), then RFC 8414 (`/.well-known/oauth-authorization-server`).
 * `openid-client` checks that the document's `issuer` equals the configured one exactly.
 *
 * @returns the `openid-client` configuration (its `serverMetadata()` is the document).
 */
export async function discoverIssuer(
  issuer: URL,
  options: DiscoverIssuerOptions,
): Promise<oidc.Configuration> {
  const insecure =
    options.allowInsecureRequests || (issuer.protocol === 'http:' && isLoopbackHost(issuer.hostname));
  const execute = insecure ? [oidc.allowInsecureRequests] : [];
  const timed = withTimeout(options.fetch, options.timeout);
  let firstError: unknown;
  for (const algorithm of ['oidc', 'oauth2'] as const) {
    try {
      const request: oidc.DiscoveryRequestOptions = {
        algorithm,
        execute,
        // In seconds for openid-client; the exact limit is the signal added by `timed`.
        timeout: options.timeout / 1000,
        [oidc.customFetch]: timed,
      };
      return await oidc.discovery(
        issuer,
        options.clientId ?? 'm2m-auth',
        options.clientMetadata,
        options.clientAuth ?? oidc.None(),
        request,
      );
    } catch (err) {
      firstError ??= err;
    }
  }
  throw firstError;
}

/**
 * Wraps the transport so that every request is aborted after `timeout` milliseconds, on top of any
 * signal openid-client passes.
 */
function withTimeout(fetchImpl: FetchLike | undefined, timeout: number): oidc.CustomFetch {
  const transport: FetchLike = fetchImpl ?? ((input, init) => fetch(input, init));
  const send = transport as unknown as oidc.CustomFetch;
  return (url, init) => {
    const limit = AbortSignal.timeout(timeout);
    const signal = init.signal ? AbortSignal.any([init.signal, limit]) : limit;
    return send(url, { ...init, signal });
  };
}
