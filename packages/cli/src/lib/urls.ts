import { insecureUrlReason } from '@m2m-auth/core';
import { UsageError } from './errors.js';

/**
 * Checks a URL given on the command line with core's rule: `https:`, or `http:` on a loopback host, or
 * any `http:` with `--allow-insecure`; never with credentials in it. Returns it as given. Only the
 * wording is the CLI's: it names the flag and `--allow-insecure`.
 */
export function checkUrl(value: string, flag: string, allowInsecure: boolean): string {
  if (!URL.canParse(value)) throw new UsageError(`${flag} must be an absolute URL (https://…)`);
  const url = new URL(value);
  if (url.username !== '' || url.password !== '') {
    throw new UsageError(`${flag} must not carry credentials`);
  }
  switch (insecureUrlReason(url, allowInsecure)) {
    case undefined:
      return value;
    case 'plain_http':
      throw new UsageError(
        `${flag} uses plain http: on a host that is not loopback; use https:, or pass --allow-insecure (never in production)`,
      );
    case 'not_https':
      throw new UsageError(`${flag} must use https:`);
  }
}
