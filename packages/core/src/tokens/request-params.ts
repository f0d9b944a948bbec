import { ConfigurationError } from '../errors.js';

/**
 * Extra token request parameters; an array sends the parameter once per value.
 *
 * @example
 * ```ts
 * new ClientCredentials({ tokenEndpoint, clientId, clientSecret, extraParams: { tenant: 'acme' } });
 * ```
 */
export type ExtraParams = Record<string, string | readonly string[]>;

const RESERVED = new Set([
  'grant_type',
  'client_id',
  'client_secret',
  'client_assertion',
  'client_assertion_type',
  'scope',
  'resource',
  'audience',
  'refresh_token',
]);

export interface RequestParamOptions {
  scope?: string | readonly string[] | undefined;
  resource?: string | readonly string[] | undefined;
  audience?: string | readonly string[] | undefined;
  extraParams?: ExtraParams | undefined;
}

function list(value: unknown, option: string): string[] {
  if (value === undefined) return [];
  const values = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(values) || values.some((v) => typeof v !== 'string' || v.length === 0)) {
    throw new ConfigurationError(`${option} must be a non-empty string or an array of them`);
  }
  return values as string[];
}

/** Validated token request parameters, and their canonical form for the cache key. */
export class RequestParams {
  readonly scope: string | undefined;
  readonly #resources: string[];
  readonly #audiences: string[];
  readonly #extra: [string, string[]][];

  constructor(options: RequestParamOptions) {
    const scopes = list(options.scope, 'scope').flatMap((s) => s.split(' ').filter(Boolean));
    if (scopes.some((s) => !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(s))) {
      throw new ConfigurationError('scope contains a character RFC 6749 does not allow');
    }
    this.scope = scopes.length ? scopes.join(' ') : undefined;
    this.#resources = list(options.resource, 'resource');
    for (const r of this.#resources) {
      let url: URL;
      try {
        url = new URL(r);
      } catch {
        throw new ConfigurationError('resource must be an absolute URI (RFC 8707)');
      }
      if (url.hash) throw new ConfigurationError('resource must not contain a fragment (RFC 8707)');
    }
    this.#audiences = list(options.audience, 'audience');
    const extra = options.extraParams ?? {};
    if (typeof extra !== 'object' || extra === null || Array.isArray(extra)) {
      throw new ConfigurationError('extraParams must be an object of strings');
    }
    this.#extra = Object.entries(extra).map(([name, value]) => {
      if (RESERVED.has(name)) {
        throw new ConfigurationError(`extraParams.${name} is reserved; use the dedicated option`);
      }
      const values = typeof value === 'string' ? [value] : value;
      if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) {
        throw new ConfigurationError(`extraParams.${name} must be a string or an array of strings`);
      }
      return [name, [...(values as string[])]];
    });
  }

  /** The form parameters of a request. */
  toSearchParams(): URLSearchParams {
    const params = new URLSearchParams();
    if (this.scope !== undefined) params.set('scope', this.scope);
    for (const r of this.#resources) params.append('resource', r);
    for (const a of this.#audiences) params.append('audience', a);
    for (const [name, values] of this.#extra) for (const v of values) params.append(name, v);
    return params;
  }

  /** Everything that shapes the token, order-independent where the order does not matter. */
  keyParts(): unknown[] {
    return [
      this.scope?.split(' ').sort() ?? null,
      [...this.#resources].sort(),
      [...this.#audiences].sort(),
      [...this.#extra].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    ];
  }
}
