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
 * Why a URL may not carry credentials: `'plain_http'` (`http:` on a host that is not loopback, without
 * `allowInsecureRequests`) or `'not_https'` (another scheme: `ftp:`, `file:`, `javascript:`, …).
 */
export type InsecureUrlReason = 'plain_http' | 'not_https';

/**
 * Why `url` may not carry credentials, or `undefined` when it may ({@link isSecureUrl}): the one
 * https-or-loopback rule, for callers that word the refusal their own way (an option, a CLI flag).
 *
 * @example
 * ```ts
 * insecureUrlReason(new URL('http://api.example'), false); // 'plain_http'
 * insecureUrlReason(new URL('http://127.0.0.1:8080'), false); // undefined
 * ```
 */
export function insecureUrlReason(url: URL, allowInsecureRequests: boolean): InsecureUrlReason | undefined {
  if (isSecureUrl(url, allowInsecureRequests)) return undefined;
  return url.protocol === 'http:' ? 'plain_http' : 'not_https';
}

/** `value` parsed as an absolute URL, or `undefined` when it is not one (nor a string or `URL`). */
export function absoluteUrl(value: unknown): URL | undefined {
  if (typeof value !== 'string' && !(value instanceof URL)) return undefined;
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/**
 * Parses `value` as an absolute URL that m2m-auth may send requests to: `https:`, or `http:` on a
 * loopback host, or any `http:` when `allowInsecureRequests` is set.
 *
 * @param option Name of the option, for the error message.
 * @throws ConfigurationError naming the option.
 */
export function parseSecureUrl(value: unknown, option: string, allowInsecureRequests = false): URL {
  const url = absoluteUrl(value);
  if (url === undefined) throw new ConfigurationError(`${option} must be an absolute URL`);
  switch (insecureUrlReason(url, allowInsecureRequests)) {
    case undefined:
      return url;
    case 'plain_http':
      throw new ConfigurationError(
        `${option} uses plain http: on a non-loopback host; use https: or set allowInsecureRequests`,
      );
    case 'not_https':
      throw new ConfigurationError(`${option} must use https:`);
  }
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
