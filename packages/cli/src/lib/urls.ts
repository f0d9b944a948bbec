import { UsageError } from './errors.js';

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/**
 * Checks a URL given on the command line: `https:`, or `http:` on a loopback host, or any `http:` with
 * `--allow-insecure`. Returns it as given.
 */
export function checkUrl(value: string, flag: string, allowInsecure: boolean): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${flag} must be an absolute URL (https://…)`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new UsageError(`${flag} must not carry credentials`);
  }
  if (url.protocol === 'https:') return value;
  if (url.protocol === 'http:') {
    if (allowInsecure || isLoopback(url.hostname)) return value;
    throw new UsageError(
      `${flag} uses plain http: on a host that is not loopback; use https:, or pass --allow-insecure (never in production)`,
    );
  }
  throw new UsageError(`${flag} must use https:`);
}
