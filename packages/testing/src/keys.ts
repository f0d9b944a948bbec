import { exportJWK, generateKeyPair, type CryptoKey, type JSONWebKeySet, type JWK } from 'jose';
import { randomToken } from './lib/random.js';

/**
 * The asymmetric JWS algorithms the test issuer can sign with. `EdDSA` uses an Ed25519 key.
 *
 * @example
 * ```ts
 * const issuer = await startTestIssuer({ algorithm: 'ES256' });
 * ```
 */
export type SigningAlgorithm =
  'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA';

/** Every {@link SigningAlgorithm}, for validation and metadata. */
export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

/**
 * What {@link TestIssuer.rotateKeys} reports about the new signing key.
 *
 * @example
 * ```ts
 * const { kid, published } = await issuer.rotateKeys({ keepPrevious: false }); // published: [kid]
 * ```
 */
export interface RotatedKey {
  /** The `kid` of the new signing key, now used for every token. */
  readonly kid: string;
  /** Its algorithm. */
  readonly alg: SigningAlgorithm;
  /** The `kid`s still published in the JWKS, newest first. */
  readonly published: readonly string[];
}

/** A signing key of one realm. */
export interface KeyEntry {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

async function createKey(alg: SigningAlgorithm): Promise<KeyEntry> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = randomToken(12);
  const jwk = await exportJWK(publicKey);
  return { kid, alg, privateKey, publicJwk: { ...jwk, kid, alg, use: 'sig' } };
}

/**
 * The signing keys of one realm: one current key per algorithm, and the keys published in its JWKS
 * (current and retained ones, newest first).
 */
export class KeyRing {
  readonly #defaultAlg: SigningAlgorithm;
  readonly #current = new Map<SigningAlgorithm, Promise<KeyEntry>>();
  #published: KeyEntry[] = [];

  private constructor(defaultAlg: SigningAlgorithm) {
    this.#defaultAlg = defaultAlg;
  }

  /** Creates a key ring with a fresh key for `defaultAlg`. */
  static async create(defaultAlg: SigningAlgorithm): Promise<KeyRing> {
    const ring = new KeyRing(defaultAlg);
    await ring.signingKey();
    return ring;
  }

  get defaultAlgorithm(): SigningAlgorithm {
    return this.#defaultAlg;
  }

  /** The current key for `alg` (the default algorithm when omitted), created and published on first use. */
  signingKey(alg: SigningAlgorithm = this.#defaultAlg): Promise<KeyEntry> {
    let entry = this.#current.get(alg);
    if (entry === undefined) {
      entry = createKey(alg).then((key) => {
        this.#published.unshift(key);
        return key;
      });
      this.#current.set(alg, entry);
    }
    return entry;
  }

  /** Replaces the current key of `alg` with a new one; the old one stays published when `keepPrevious`. */
  async rotate(alg: SigningAlgorithm, keepPrevious: boolean): Promise<RotatedKey> {
    const previous = this.#current.get(alg);
    const next = createKey(alg);
    this.#current.set(alg, next);
    const key = await next;
    const old = previous === undefined ? undefined : await previous;
    this.#published = [key, ...this.#published.filter((k) => keepPrevious || k !== old)];
    return { kid: key.kid, alg, published: this.#published.map((k) => k.kid) };
  }

  /** The public JWKS: every published key, newest first. */
  jwks(): JSONWebKeySet {
    return { keys: this.#published.map((k) => ({ ...k.publicJwk })) };
  }
}
