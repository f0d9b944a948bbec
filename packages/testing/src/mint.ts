import { SignJWT, base64url, type CryptoKey, type JWTPayload } from 'jose';
import type { KeyObject } from 'node:crypto';
import type { SigningAlgorithm } from './keys.js';
import type { JsonValue } from './lib/json.js';

/**
 * Options of {@link TestIssuer.mint}.
 *
 * @example
 * ```ts
 * await issuer.mint({ sub: 'svc' }, { lifetime: -60 });            // already expired
 * await issuer.mint({ sub: 'svc' }, { kid: 'unknown' });           // a kid the JWKS does not have
 * await issuer.mint({ sub: 'svc' }, { alg: 'ES256' });             // another (published) key
 * await issuer.mint({ sub: 'svc' }, { alg: 'none' });              // unsigned
 * await issuer.mint({ sub: 'svc' }, { header: { jku: 'https://evil.example/jwks' } });
 * ```
 */
export interface MintOptions {
  /**
   * Lifetime (in seconds) from `iat` to `exp`; negative for an expired token. Default is 300. An `exp` in
   * the claims wins.
   */
  lifetime?: number;
  /**
   * The algorithm. Default is the issuer's `algorithm`. Another algorithm signs with a key of its own,
   * created on first use and published in the JWKS; `'none'` makes an unsecured JWT.
   */
  alg?: SigningAlgorithm | 'none';
  /** The `kid` header; the token is still signed with the current key. Default is that key's `kid`. */
  kid?: string;
  /** Extra or overriding protected-header parameters (`typ`, `jku`, `crit`, …); `undefined` removes one. */
  header?: Readonly<Record<string, JsonValue | undefined>>;
  /**
   * Sign with this private key instead of the issuer's (it is not published, so the token does not
   * verify). Default is the issuer's key for `alg`.
   */
  key?: CryptoKey | KeyObject;
  /** The realm whose issuer, audience and keys are used. Default is the default realm. */
  realm?: string;
}

/** Drops `undefined` entries. */
export function defined<T extends Record<string, unknown>>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as T;
}

/** Signs `payload` with `header` (which carries `alg`). */
export async function signJwt(
  payload: JWTPayload,
  header: Record<string, unknown> & { alg: string },
  key: CryptoKey | KeyObject | undefined,
): Promise<string> {
  if (header.alg === 'none') {
    const encode = (value: unknown) => base64url.encode(JSON.stringify(value));
    return `${encode(header)}.${encode(payload)}.`;
  }
  if (key === undefined) throw new TypeError(`mint: no key for alg '${header.alg}'`);
  return new SignJWT(payload).setProtectedHeader(header).sign(key);
}
