import { jwtVerify, type JWTVerifyOptions } from 'jose';
import { AuthError } from '../errors.js';
import type { TokenClaims } from '../principal/principal.js';
import { IssuerKeys } from './issuer-keys.js';
import type { DecodedJws } from './jws-precheck.js';
import type { ResolvedKeys } from './remote-key-set.js';
import type { ResolvedVerifierOptions } from './verifier-options.js';

/** The options key selection needs: the issuers and how to reach their keys. */
export type KeySelectionOptions = Pick<
  ResolvedVerifierOptions,
  | 'issuers'
  | 'jwksUri'
  | 'fetch'
  | 'timeout'
  | 'jwksCooldown'
  | 'jwksMaxAge'
  | 'allowInsecureRequests'
  | 'now'
>;

/**
 * What became of a token at its issuer's keys: verified (with its claims), or not (with the failure,
 * as thrown). Either way with the issuer, once the token's `iss` was accepted.
 */
export type KeyVerification =
  | { readonly ok: true; readonly issuer: string; readonly claims: TokenClaims }
  | { readonly ok: false; readonly issuer: string | undefined; readonly error: unknown };

/** Largest JWKS document accepted, in bytes. */
const MAX_JWKS_BYTES = 512 * 1024;

/**
 * The accepted issuers and their keys: finds the issuer a token names, the key (or the candidate keys)
 * its header points to, and verifies the token with them.
 */
export class KeySelection {
  readonly #issuers: ReadonlyMap<string, IssuerKeys>;

  constructor(options: KeySelectionOptions) {
    const keyOptions = {
      fetch: options.fetch,
      timeout: options.timeout,
      cooldown: options.jwksCooldown,
      maxAge: options.jwksMaxAge,
      maxBytes: MAX_JWKS_BYTES,
      now: options.now,
      allowInsecureRequests: options.allowInsecureRequests,
      jwksUri: options.jwksUri,
    };
    this.#issuers = new Map(options.issuers.map((iss) => [iss, new IssuerKeys(iss, keyOptions)]));
  }

  /**
   * Verifies `token` (whose header and claims `jws` holds) with the keys of the issuer its `iss` names,
   * checking its claims with `rules` at `at` (epoch milliseconds); `issuer`, `algorithms` and
   * `currentDate` are set here. Never rejects: a failure is settled as `ok: false`.
   */
  async verify(
    token: string,
    jws: DecodedJws,
    rules: JWTVerifyOptions,
    at: number,
  ): Promise<KeyVerification> {
    const iss = jws.claims.iss;
    const keys = typeof iss === 'string' ? this.#issuers.get(iss) : undefined;
    if (!keys) {
      const error = new AuthError('invalid_token', 'token issuer is not accepted', {
        reason: 'issuer_mismatch',
      });
      return { ok: false, issuer: undefined, error };
    }
    const { alg, kid } = jws.header;
    try {
      const keySet = await keys.keySet();
      const candidates = await keySet.getKey({ alg, kid });
      const options = { ...rules, issuer: keys.issuer, algorithms: [alg], currentDate: new Date(at) };
      const claims = await verifyWithKeys(token, candidates, options);
      return { ok: true, issuer: keys.issuer, claims };
    } catch (error) {
      return { ok: false, issuer: keys.issuer, error };
    }
  }
}

/**
 * Verifies `token` with a key, or with each candidate in turn when the token names no `kid` and several
 * keys fit (as RFC 7515 allows): a signature failure moves on to the next key, any other failure (the
 * claims of the matching key) is final.
 */
export async function verifyWithKeys(
  token: string,
  keys: ResolvedKeys,
  options: JWTVerifyOptions,
): Promise<TokenClaims> {
  if (!(Symbol.asyncIterator in keys)) {
    return (await jwtVerify(token, keys, options)).payload;
  }
  let lastError: unknown = new AuthError('invalid_token', 'token signature is invalid', {
    reason: 'signature_invalid',
  });
  for await (const key of keys) {
    try {
      return (await jwtVerify(token, key, options)).payload;
    } catch (err) {
      lastError = err;
      if (!(err instanceof Error && err.name === 'JWSSignatureVerificationFailed')) break;
    }
  }
  throw lastError;
}
