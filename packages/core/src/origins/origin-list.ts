import { ConfigurationError } from '../errors.js';
import { absoluteUrl, insecureUrlReason } from '../lib/secure-url.js';

/**
 * Parses an `origins` option: a non-empty array of bare origins (`https://api.example`: no path, query,
 * fragment or credentials), each `https:`, or `http:` on a loopback host or with
 * `allowInsecureRequests`. Returns the set of their serialized origins (`URL.origin`), for a lookup per
 * request.
 *
 * @param option Name of the option, for the error message.
 * @throws ConfigurationError naming the option (and, for plain `http:`, the origin).
 * @example
 * ```ts
 * parseOrigins(['https://api.example', 'http://127.0.0.1:8080'], 'origins', false);
 * // Set { 'https://api.example', 'http://127.0.0.1:8080' }
 * ```
 */
export function parseOrigins(value: unknown, option: string, allowInsecureRequests: boolean): Set<string> {
  if (!Array.isArray(value) || value.length === 0) {
    throw new ConfigurationError(`${option} must be a non-empty array of origins (or set anyOrigin: true)`);
  }
  const origins = new Set<string>();
  for (const entry of value as unknown[]) {
    const url = absoluteUrl(entry);
    if (url === undefined) {
      throw new ConfigurationError(`${option} entries must be absolute URLs such as https://api.example`);
    }
    const insecure = insecureUrlReason(url, allowInsecureRequests);
    if (insecure === 'not_https') throw new ConfigurationError(`${option} entries must use https:`);
    if (insecure === 'plain_http') {
      throw new ConfigurationError(
        `${option} entry ${url.origin} uses plain http: on a non-loopback host; use https: or set allowInsecureRequests`,
      );
    }
    if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
      throw new ConfigurationError(`${option} entries must be bare origins such as https://api.example`);
    }
    origins.add(url.origin);
  }
  return origins;
}
