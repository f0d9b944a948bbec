import { ConfigurationError } from '@m2m-auth/core';

/** True for `localhost`, `127.0.0.0/8` and `::1`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/** Whether an `http:` or `https:` URL may carry a token: `https:`, or `http:` on loopback or when allowed. */
export function isSecure(url: URL, allowInsecureRequests: boolean): boolean {
  return (
    url.protocol === 'https:' ||
    (url.protocol === 'http:' && (allowInsecureRequests || isLoopbackHost(url.hostname)))
  );
}

/**
 * Validates an `origins` option: a non-empty array of bare origins (`https://api.example`, no path,
 * query or credentials), `https:` unless loopback or `allowInsecureRequests`.
 *
 * @param option Name of the option, for the error message.
 * @throws ConfigurationError naming the option.
 */
export function parseOrigins(value: unknown, option: string, allowInsecureRequests: boolean): Set<string> {
  if (!Array.isArray(value) || value.length === 0) {
    throw new ConfigurationError(`${option} must be a non-empty array of origins (or set anyOrigin: true)`);
  }
  const origins = new Set<string>();
  for (const entry of value as unknown[]) {
    if (typeof entry !== 'string' && !(entry instanceof URL)) {
      throw new ConfigurationError(`${option} entries must be absolute URLs such as https://api.example`);
    }
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      throw new ConfigurationError(`${option} entries must be absolute URLs such as https://api.example`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new ConfigurationError(`${option} entries must use https:`);
    }
    if (!isSecure(url, allowInsecureRequests)) {
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
