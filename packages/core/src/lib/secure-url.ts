import { ConfigurationError } from '../errors.js';

/** True for `localhost`, `127.0.0.0/8` and `::1`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/** Whether `url` may carry credentials: `https:`, or `http:` on a loopback host or when allowed. */
export function isSecureUrl(url: URL, allowInsecureRequests: boolean): boolean {
  return (
    url.protocol === 'https:' ||
    (url.protocol === 'http:' && (allowInsecureRequests || isLoopbackHost(url.hostname)))
  );
}

/**
 * Parses `value` as an absolute URL that m2m-auth may send requests to: `https:`, or `http:` on a
 * loopback host, or any `http:` when `allowInsecureRequests` is set.
 *
 * @param option Name of the option, for the error message.
 * @throws ConfigurationError naming the option.
 */
export function parseSecureUrl(value: unknown, option: string, allowInsecureRequests = false): URL {
  if (typeof value !== 'string' && !(value instanceof URL)) {
    throw new ConfigurationError(`${option} must be an absolute URL`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigurationError(`${option} must be an absolute URL`);
  }
  if (isSecureUrl(url, allowInsecureRequests)) return url;
  if (url.protocol === 'http:') {
    throw new ConfigurationError(
      `${option} uses plain http: on a non-loopback host; use https: or set allowInsecureRequests`,
    );
  }
  throw new ConfigurationError(`${option} must use https:`);
}

/**
 * Refuses a URL that carries credentials (`https://user:password@host/`): they would be sent along, and
 * show up wherever the URL is named.
 *
 * @param option Name of the option, for the error message (which never repeats the URL).
 * @throws ConfigurationError naming the option.
 */
export function refuseUserinfo(url: URL, option: string): URL {
  if (url.username || url.password) throw new ConfigurationError(`${option} must not carry credentials`);
  return url;
}

/**
 * The URL to name in errors, events and telemetry: without credentials, query or fragment (a query may
 * carry an API key or a policy secret).
 */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '[invalid URL]';
  }
  return `${parsed.origin}${parsed.pathname}`;
}
