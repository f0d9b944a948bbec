import { ConfigurationError } from '../errors.js';
import { isSecureUrl } from '../lib/secure-url.js';
import { parseOrigins } from './origin-list.js';

/**
 * Which origins get the token: the options that `authFetch`, `@m2m-auth/axios` and
 * `@m2m-auth/nest/http` share. Pass `origins` or `anyOrigin: true`.
 *
 * @example
 * ```ts
 * const options: OriginPolicyOptions = { origins: ['https://acme.api.example', 'http://127.0.0.1:8080'] };
 * ```
 */
export interface OriginPolicyOptions {
  /**
   * Origins (`https://api.example`, no path) whose requests get the token. Required unless `anyOrigin`.
   * `http:` origins only on a loopback host or with `allowInsecureRequests`.
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
 * The origins a token may go to, decided once from {@link OriginPolicyOptions}: {@link OriginPolicy.allows}
 * is a `Set` lookup on the URL's origin (and the https-or-loopback rule with `anyOrigin`).
 *
 * @example
 * ```ts
 * const policy = createOriginPolicy({ origins: ['https://acme.api.example'] });
 * policy.allows(new URL('https://acme.api.example/v1/tables')); // true
 * policy.allows(new URL('https://evil.example/')); // false
 * ```
 */
export interface OriginPolicy {
  /** The listed origins, serialized as `URL.origin`; empty with `anyOrigin`. */
  readonly origins: ReadonlySet<string>;
  /** Whether every secure origin gets the token. */
  readonly anyOrigin: boolean;
  /** Whether `http:` is allowed on hosts that are not loopback. */
  readonly allowInsecureRequests: boolean;
  /** Whether a request (or a redirect hop) to `url` may carry the token. */
  allows(url: URL): boolean;
}

/**
 * Validates {@link OriginPolicyOptions} and returns the {@link OriginPolicy} they describe: the one
 * check behind `authFetch`, `attachTokens` and `M2mHttpModule`, with the same messages everywhere.
 *
 * @param options `{ origins }` or `{ anyOrigin: true }`, with `allowInsecureRequests` if need be; other
 *   keys are ignored (they belong to the caller).
 * @throws ConfigurationError naming the option.
 * @example
 * ```ts
 * const policy = createOriginPolicy({ anyOrigin: true });
 * policy.allows(new URL('http://api.example/')); // false: plain http: on a host that is not loopback
 * ```
 */
export function createOriginPolicy(options: OriginPolicyOptions): OriginPolicy {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError('options are required: pass origins (or anyOrigin: true)');
  }
  for (const name of ['anyOrigin', 'allowInsecureRequests'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'boolean') {
      throw new ConfigurationError(`${name} must be a boolean`);
    }
  }
  const allowInsecureRequests = options.allowInsecureRequests === true;
  const anyOrigin = options.anyOrigin === true;
  if (anyOrigin && options.origins !== undefined) {
    throw new ConfigurationError('pass either origins or anyOrigin, not both');
  }
  const origins = anyOrigin
    ? new Set<string>()
    : parseOrigins(options.origins, 'origins', allowInsecureRequests);
  return {
    origins,
    anyOrigin,
    allowInsecureRequests,
    allows: anyOrigin ? (url) => isSecureUrl(url, allowInsecureRequests) : (url) => origins.has(url.origin),
  };
}
