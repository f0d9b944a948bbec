import { importJWK, importPKCS8, type JWK } from 'jose';
import * as oidc from 'openid-client';
import { ConfigurationError, CredentialsUnavailableError } from '../errors.js';
import { algorithmsFor, parsePrivateKeyPem, type PemKeyKind } from './private-key-pem.js';

/**
 * How the client authenticates to the token endpoint.
 *
 * @example
 * ```ts
 * new ClientCredentials({ tokenEndpoint, clientId, clientSecret, clientAuth: 'client_secret_basic' });
 * ```
 */
export type ClientAuthMethod = 'client_secret_post' | 'client_secret_basic' | 'private_key_jwt' | 'none';

/**
 * A client secret, or a function that returns the current one (from a secrets manager).
 *
 * @example
 * ```ts
 * const clientSecret: ClientSecret = () => secretsManager.getSecretValue('svc-client-secret');
 * ```
 */
export type ClientSecret = string | (() => string | Promise<string>);

/**
 * A private key for `private_key_jwt`: a private JWK, or a PEM string (PKCS#8 `BEGIN PRIVATE KEY`; also
 * PKCS#1 `BEGIN RSA PRIVATE KEY` and SEC1 `BEGIN EC PRIVATE KEY`) of an RSA, EC or Ed25519 key.
 *
 * @example
 * ```ts
 * new ClientCredentials({ tokenEndpoint, clientId, privateKey: await readFile('client.pem', 'utf8'), privateKeyId: 'k1' });
 * ```
 */
export type ClientPrivateKey = JWK | string;

export interface ClientAuthOptions {
  clientSecret?: ClientSecret | undefined;
  privateKey?: ClientPrivateKey | undefined;
  privateKeyAlg?: string | undefined;
  privateKeyId?: string | undefined;
  clientAuth?: ClientAuthMethod | undefined;
}

const METHODS: readonly ClientAuthMethod[] = [
  'client_secret_post',
  'client_secret_basic',
  'private_key_jwt',
  'none',
];

/** The key kind of a private JWK, when it is one we can sign with. */
function jwkKind(jwk: JWK): PemKeyKind | undefined {
  if (jwk.kty === 'RSA') return { kty: 'RSA', pss: false };
  if (jwk.kty === 'EC' && (jwk.crv === 'P-256' || jwk.crv === 'P-384' || jwk.crv === 'P-521')) {
    return { kty: 'EC', crv: jwk.crv };
  }
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return { kty: 'OKP', crv: 'Ed25519' };
  return undefined;
}

/**
 * The assertion's algorithm: `privateKeyAlg`, else the JWK's `alg`, else the key kind's default; one the
 * key can sign with.
 */
function chooseAlg(option: string | undefined, jwkAlg: unknown, kind: PemKeyKind | undefined): string {
  const allowed = kind ? algorithmsFor(kind) : undefined;
  const alg = option ?? (typeof jwkAlg === 'string' ? jwkAlg : (allowed?.[0] ?? 'RS256'));
  if (allowed && !allowed.includes(alg)) {
    const what = kind!.kty === 'RSA' ? 'an RSA key' : `a ${(kind as { crv: string }).crv} key`;
    throw new ConfigurationError(
      `${option !== undefined ? 'privateKeyAlg' : "the privateKey JWK's alg"} ${alg} does not suit ${what} (use ${allowed.join(', ')})`,
    );
  }
  return alg;
}

/**
 * Client authentication for token requests: validates the options once, resolves a secret function
 * lazily (and again after an `invalid_client` answer), imports a private key once.
 */
export class ClientAuthentication {
  readonly method: ClientAuthMethod;
  readonly #secret: ClientSecret | undefined;
  /** A private JWK, or a PKCS#8 PEM (normalized). */
  readonly #privateKey: ClientPrivateKey | undefined;
  readonly #alg: string | undefined;
  readonly #kid: string | undefined;
  #resolvedSecret: Promise<string> | undefined;
  #importedKey: Promise<oidc.PrivateKey> | undefined;

  constructor(options: ClientAuthOptions) {
    const { clientSecret, privateKey } = options;
    if (options.clientAuth !== undefined && !METHODS.includes(options.clientAuth)) {
      throw new ConfigurationError(`clientAuth must be one of ${METHODS.join(', ')}`);
    }
    if (clientSecret !== undefined) {
      if (typeof clientSecret === 'string' ? clientSecret.length === 0 : typeof clientSecret !== 'function') {
        throw new ConfigurationError('clientSecret must be a non-empty string or a function returning one');
      }
    }
    let kind: PemKeyKind | undefined;
    let normalized: ClientPrivateKey | undefined = privateKey;
    if (privateKey !== undefined) {
      if (typeof privateKey === 'string') {
        if (!privateKey.includes('-----BEGIN ')) {
          throw new ConfigurationError(
            'privateKey must be a private JWK or a PEM private key ("BEGIN PRIVATE KEY", "BEGIN RSA PRIVATE KEY" or "BEGIN EC PRIVATE KEY")',
          );
        }
        const pem = parsePrivateKeyPem(privateKey);
        kind = pem.key;
        normalized = pem.pkcs8;
      } else if (typeof privateKey !== 'object' || privateKey === null || typeof privateKey.d !== 'string') {
        throw new ConfigurationError('privateKey must be a private JWK (with "d") or a PEM string');
      } else {
        kind = jwkKind(privateKey);
      }
    }
    if (clientSecret !== undefined && privateKey !== undefined) {
      throw new ConfigurationError('pass either clientSecret or privateKey, not both');
    }
    this.method =
      options.clientAuth ??
      (privateKey !== undefined
        ? 'private_key_jwt'
        : clientSecret !== undefined
          ? 'client_secret_post'
          : 'none');
    if ((this.method === 'client_secret_post' || this.method === 'client_secret_basic') && !clientSecret) {
      throw new ConfigurationError(`clientAuth ${this.method} needs clientSecret`);
    }
    if (this.method === 'private_key_jwt' && privateKey === undefined) {
      throw new ConfigurationError('clientAuth private_key_jwt needs privateKey');
    }
    if (this.method === 'none' && (clientSecret !== undefined || privateKey !== undefined)) {
      throw new ConfigurationError('clientAuth none takes neither clientSecret nor privateKey');
    }
    if (
      options.privateKeyAlg !== undefined &&
      (typeof options.privateKeyAlg !== 'string' || options.privateKeyAlg.length === 0)
    ) {
      throw new ConfigurationError('privateKeyAlg must be a JWS algorithm name');
    }
    if (
      options.privateKeyId !== undefined &&
      (typeof options.privateKeyId !== 'string' || options.privateKeyId.length === 0)
    ) {
      throw new ConfigurationError('privateKeyId must be a non-empty string');
    }
    if (privateKey === undefined && (options.privateKeyAlg ?? options.privateKeyId) !== undefined) {
      throw new ConfigurationError('privateKeyAlg and privateKeyId need privateKey');
    }
    this.#secret = clientSecret;
    this.#privateKey = normalized;
    this.#alg =
      privateKey === undefined
        ? undefined
        : chooseAlg(options.privateKeyAlg, typeof privateKey === 'object' ? privateKey.alg : undefined, kind);
    this.#kid = options.privateKeyId ?? (typeof privateKey === 'object' ? privateKey.kid : undefined);
  }

  /** True when a fresh secret can be asked for (the secret is a function). */
  get canRotate(): boolean {
    return typeof this.#secret === 'function';
  }

  /** Forgets the resolved secret, so that the secret function is called again. */
  rotate(): void {
    this.#resolvedSecret = undefined;
  }

  async #getSecret(label: string): Promise<string> {
    const secret = this.#secret;
    if (typeof secret === 'string') return secret;
    if (!secret) throw new ConfigurationError('clientSecret is missing');
    const pending = (this.#resolvedSecret ??= (async () => {
      let value: unknown;
      try {
        value = await secret();
      } catch (cause) {
        throw new CredentialsUnavailableError('the clientSecret function failed', label, { cause });
      }
      if (typeof value !== 'string' || value.length === 0) {
        throw new CredentialsUnavailableError('the clientSecret function returned no secret', label);
      }
      return value;
    })());
    pending.catch(() => {
      if (this.#resolvedSecret === pending) this.#resolvedSecret = undefined;
    });
    return pending;
  }

  async #getKey(): Promise<oidc.PrivateKey> {
    const pending = (this.#importedKey ??= (async () => {
      const input = this.#privateKey;
      const alg = this.#alg ?? 'RS256';
      let key: CryptoKey | Uint8Array;
      try {
        key = typeof input === 'string' ? await importPKCS8(input, alg) : await importJWK(input ?? {}, alg);
      } catch (cause) {
        throw new ConfigurationError(`privateKey could not be imported for ${alg}`, { cause });
      }
      if (key instanceof Uint8Array)
        throw new ConfigurationError('privateKey must be an asymmetric private key');
      return this.#kid === undefined ? { key } : { key, kid: this.#kid };
    })());
    pending.catch(() => {
      if (this.#importedKey === pending) this.#importedKey = undefined;
    });
    return pending;
  }

  /** The `openid-client` client authentication for one request. */
  async build(assertionAudience: string, label: string): Promise<oidc.ClientAuth> {
    switch (this.method) {
      case 'client_secret_post':
        return oidc.ClientSecretPost(await this.#getSecret(label));
      case 'client_secret_basic':
        return oidc.ClientSecretBasic(await this.#getSecret(label));
      case 'private_key_jwt':
        return oidc.PrivateKeyJwt(await this.#getKey(), {
          [oidc.modifyAssertion]: (_header, payload) => {
            payload.aud = assertionAudience;
          },
        });
      case 'none':
        return oidc.None();
    }
  }
}
