import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { accessTokenClaims, accessTokenType, type TokenStyle } from './claims.js';
import {
  ClientRegistry,
  snapshot,
  type ClientManager,
  type PermissionsClaim,
  type StoredClient,
  type TestClientConfig,
} from './clients.js';
import type { FaultInjector, IssuerEndpoint } from './faults.js';
import { ISSUER_ENDPOINTS } from './faults.js';
import { GrantStore } from './grants.js';
import type { KeyRing } from './keys.js';
import { SIGNING_ALGORITHMS, type RotatedKey, type SigningAlgorithm } from './keys.js';
import { randomToken } from './lib/random.js';
import { defined, signJwt, type MintOptions } from './mint.js';

/**
 * The URLs of one issuer (the plain one, or one realm).
 *
 * @example
 * ```ts
 * const { issuer: iss, tokenEndpoint, jwksUri } = issuer.realm('acme');
 * ```
 */
export interface IssuerUrls {
  /** The issuer identifier (`iss` of its tokens), e.g. `http://127.0.0.1:PORT/auth/realms/acme`. */
  readonly issuer: string;
  /** The same as {@link issuer}. */
  readonly url: string;
  /** OpenID Connect discovery (`{issuer}/.well-known/openid-configuration`). */
  readonly discoveryUrl: string;
  /** RFC 8414 authorization-server metadata (`/.well-known/oauth-authorization-server{path}`). */
  readonly metadataUrl: string;
  readonly tokenEndpoint: string;
  readonly jwksUri: string;
  readonly introspectionEndpoint: string;
  readonly revocationEndpoint: string;
  /** The client-management REST API (`…/clients`), protected by the admin token. */
  readonly adminEndpoint: string;
}

/**
 * Options of {@link IssuerRealm.rotateKeys}.
 *
 * @example
 * ```ts
 * await issuer.rotateKeys({ keepPrevious: false }); // tokens signed by the old key stop verifying
 * ```
 */
export interface RotateKeysOptions {
  /** Whether the previous key stays in the JWKS (so its tokens keep verifying). Default is `true`. */
  keepPrevious?: boolean;
  /** The algorithm whose key rotates. Default is the issuer's `algorithm`. */
  algorithm?: SigningAlgorithm;
}

/**
 * One issuer of a running test issuer: a realm, or the plain issuer. Its URLs, clients, keys and tokens.
 *
 * @example
 * ```ts
 * const acme = issuer.realm('acme');
 * const token = await acme.mint({ sub: 'svc', scope: 'read' });
 * const jwks = createRemoteJWKSet(new URL(acme.jwksUri));
 * await jwtVerify(token, jwks, { issuer: acme.issuer, audience: 'api' });
 * ```
 */
export interface IssuerRealm extends IssuerUrls {
  /** The realm name, or `undefined` for the plain issuer. */
  readonly name: string | undefined;
  /** This realm's clients. */
  readonly clients: ClientManager;
  /** Requests to this realm's endpoints so far, by endpoint (a snapshot). */
  readonly requests: Readonly<Record<IssuerEndpoint, number>>;
  /**
   * Signs a JWT with this realm's key. Defaults `iss` (this issuer), `aud` (the `audience` option), `iat`
   * (now), `exp` (`iat` + `lifetime`) and `jti` (random); `claims` override them, and an `undefined` claim
   * removes a default.
   */
  mint(claims?: JWTPayload, options?: Omit<MintOptions, 'realm'>): Promise<string>;
  /** Replaces this realm's signing key; new tokens carry the new `kid`. */
  rotateKeys(options?: RotateKeysOptions): Promise<RotatedKey>;
  /** The public JWKS, as `jwksUri` serves it. */
  jwks(): JSONWebKeySet;
  /** Requests to one of this realm's endpoints so far. */
  count(endpoint: IssuerEndpoint): number;
}

/** A successful token request, before it is shaped for the wire. */
export interface IssuedTokens {
  readonly accessToken: string;
  readonly expiresIn: number;
  readonly scopes: readonly string[];
  readonly refreshToken: string | undefined;
  readonly refreshExpiresIn: number;
}

/** What introspection learns about a token. */
export interface InspectedToken {
  readonly kind: 'access' | 'refresh';
  readonly clientId: string | undefined;
  readonly claims: JWTPayload;
  /** Revokes this token. */
  revoke(): void;
}

/** Settings shared by every realm. */
export interface RealmSettings {
  readonly origin: string;
  readonly style: TokenStyle;
  readonly algorithm: SigningAlgorithm;
  readonly audience: readonly string[];
  readonly refreshTokenLifetime: number;
  readonly clock: () => number;
  readonly faults: FaultInjector;
}

const ASYMMETRIC: string[] = [...SIGNING_ALGORITHMS, 'Ed25519'];

/** The state of one realm (or of the plain issuer). */
export class RealmState {
  readonly name: string | undefined;
  readonly style: TokenStyle;
  readonly urls: IssuerUrls;
  /** Paths served, each with its endpoint. */
  readonly routes: ReadonlyMap<string, IssuerEndpoint>;
  /** The path of the admin API's collection (`…/clients`). */
  readonly adminPath: string;
  readonly keys: KeyRing;
  readonly clients: ClientRegistry;
  readonly grants: GrantStore;
  readonly settings: RealmSettings;
  readonly handle: IssuerRealm;
  /** When (in seconds since the epoch) each removed client id was last removed. */
  readonly #removed = new Map<string, number>();

  constructor(name: string | undefined, keys: KeyRing, settings: RealmSettings) {
    this.name = name;
    this.style = settings.style;
    this.keys = keys;
    this.settings = settings;
    this.grants = new GrantStore(settings.clock);
    const permissionsClaim: PermissionsClaim = settings.style === 'keycloak' ? 'keycloak' : 'permissions';
    this.clients = new ClientRegistry({ permissionsClaim, audience: settings.audience, realm: name });

    const { origin } = settings;
    const base = name === undefined ? '' : `/auth/realms/${name}`;
    const protocol = name === undefined ? '' : '/protocol/openid-connect';
    const paths = {
      discovery: `${base}/.well-known/openid-configuration`,
      metadata: `/.well-known/oauth-authorization-server${base}`,
      jwks: name === undefined ? '/jwks' : `${base}${protocol}/certs`,
      token: `${base}${protocol}/token`,
      introspection: name === undefined ? '/introspect' : `${base}${protocol}/token/introspect`,
      revocation: `${base}${protocol}/revoke`,
    };
    this.adminPath = name === undefined ? '/admin/clients' : `/auth/admin/realms/${name}/clients`;
    const routes = new Map<string, IssuerEndpoint>([
      [paths.discovery, 'discovery'],
      [paths.metadata, 'discovery'],
      [paths.jwks, 'jwks'],
      [paths.token, 'token'],
      [paths.introspection, 'introspection'],
      [paths.revocation, 'revocation'],
    ]);
    if (base !== '') routes.set(`${base}/.well-known/oauth-authorization-server`, 'discovery');
    this.routes = routes;
    const issuer = `${origin}${base}`;
    this.urls = Object.freeze({
      issuer,
      url: issuer,
      discoveryUrl: origin + paths.discovery,
      metadataUrl: origin + paths.metadata,
      tokenEndpoint: origin + paths.token,
      jwksUri: origin + paths.jwks,
      introspectionEndpoint: origin + paths.introspection,
      revocationEndpoint: origin + paths.revocation,
      adminEndpoint: origin + this.adminPath,
    });
    this.handle = this.#createHandle();
  }

  get issuer(): string {
    return this.urls.issuer;
  }

  #now(): number {
    return Math.floor(this.settings.clock() / 1000);
  }

  #createHandle(): IssuerRealm {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const realm = this;
    const where = realm.name === undefined ? 'issuer.clients' : `issuer.realm('${realm.name}').clients`;
    const clients: ClientManager = {
      add: (config?: TestClientConfig) => snapshot(realm.clients.add(config, `${where}.add(config)`)),
      get: (clientId) => {
        const client = realm.clients.get(clientId);
        return client === undefined ? undefined : snapshot(client);
      },
      list: () => realm.clients.list().map(snapshot),
      update: (clientId, changes) =>
        snapshot(
          realm.clients.update(clientId, changes, `${where}.update(${JSON.stringify(clientId)})`, true),
        ),
      remove: (clientId) => realm.removeClient(clientId),
      resetSecret: (clientId, secret) =>
        realm.clients.resetSecret(clientId, secret, `${where}.resetSecret(${JSON.stringify(clientId)})`),
      revokeTokens: (clientId) => {
        if (realm.clients.get(clientId) === undefined) {
          throw new TypeError(`${where}.revokeTokens(${JSON.stringify(clientId)}) names no client`);
        }
        realm.grants.revokeClient(clientId);
      },
    };
    return Object.freeze({
      ...realm.urls,
      name: realm.name,
      clients: Object.freeze(clients),
      get requests() {
        return Object.fromEntries(
          ISSUER_ENDPOINTS.map((e) => [e, realm.settings.faults.countIn(e, realm.name)]),
        ) as Record<IssuerEndpoint, number>;
      },
      mint: (claims?: JWTPayload, options?: Omit<MintOptions, 'realm'>) => realm.mint(claims, options),
      rotateKeys: (options?: RotateKeysOptions) => realm.rotateKeys(options),
      jwks: () => realm.keys.jwks(),
      count: (endpoint: IssuerEndpoint) => realm.settings.faults.countIn(endpoint, realm.name),
    });
  }

  /**
   * Deletes a client and revokes what it holds: introspection answers inactive for every token naming it
   * (issued or minted before now), whatever its `jti`; its JWTs still verify by signature.
   */
  removeClient(clientId: string): boolean {
    const existed = this.clients.remove(clientId);
    if (existed) {
      this.grants.revokeClient(clientId);
      this.#removed.set(clientId, this.#now());
    }
    return existed;
  }

  /**
   * Whether a token of `clientId` issued at `iat` outlived its client: the client is gone, or was removed
   * after the token was issued (and registered again since). Tokens naming a client that never existed
   * (minted for unit tests) are not affected.
   */
  #orphaned(clientId: string | undefined, iat: unknown): boolean {
    if (clientId === undefined) return false;
    const removedAt = this.#removed.get(clientId);
    if (removedAt === undefined) return false;
    if (this.clients.get(clientId) === undefined) return true;
    return typeof iat !== 'number' || iat < removedAt;
  }

  /**
   * A minted token that names a registered client is recorded as that client's, so that removing the
   * client revokes it by `jti`, even when the client is registered again within the same second.
   */
  #recordMinted(payload: JWTPayload): void {
    const named = typeof payload.client_id === 'string' ? payload.client_id : payload.azp;
    if (typeof named !== 'string' || this.clients.get(named) === undefined) return;
    if (typeof payload.jti !== 'string' || typeof payload.exp !== 'number') return;
    this.grants.recordAccess({ clientId: named, jti: payload.jti, exp: payload.exp, claims: payload });
  }

  async mint(claims: JWTPayload = {}, options: Omit<MintOptions, 'realm'> = {}): Promise<string> {
    const { lifetime = 300, alg = this.keys.defaultAlgorithm } = options;
    if (typeof lifetime !== 'number' || !Number.isFinite(lifetime)) {
      throw new TypeError('mint(options).lifetime must be a number of seconds');
    }
    if (alg !== 'none' && !SIGNING_ALGORITHMS.includes(alg)) {
      throw new TypeError(`mint(options).alg must be one of ${SIGNING_ALGORITHMS.join(', ')} or 'none'`);
    }
    const iat = this.#now();
    const payload = defined({
      iss: this.issuer,
      aud: this.settings.audience.length === 1 ? this.settings.audience[0] : [...this.settings.audience],
      iat,
      exp: iat + Math.round(lifetime),
      jti: randomToken(16),
      ...claims,
    });
    this.#recordMinted(payload);
    if (alg === 'none') {
      return signJwt(payload, defined({ alg: 'none', typ: 'JWT', ...options.header }), undefined);
    }
    const entry = options.key === undefined ? await this.keys.signingKey(alg) : undefined;
    const header = defined({
      typ: accessTokenType(this.style),
      kid: options.kid ?? entry?.kid,
      ...options.header,
      alg,
    });
    return signJwt(payload, header, options.key ?? entry?.privateKey);
  }

  rotateKeys(options: RotateKeysOptions = {}): Promise<RotatedKey> {
    const { keepPrevious = true, algorithm = this.keys.defaultAlgorithm } = options;
    if (typeof keepPrevious !== 'boolean')
      throw new TypeError('rotateKeys(options).keepPrevious must be a boolean');
    if (!SIGNING_ALGORITHMS.includes(algorithm)) {
      throw new TypeError(`rotateKeys(options).algorithm must be one of ${SIGNING_ALGORITHMS.join(', ')}`);
    }
    return this.keys.rotate(algorithm, keepPrevious);
  }

  /** Issues an access token (and a refresh token when the client has them). */
  async issue(
    client: StoredClient,
    scopes: readonly string[],
    audience: readonly string[],
  ): Promise<IssuedTokens> {
    const iat = this.#now();
    const jti = randomToken(16);
    const claims = accessTokenClaims({
      issuer: this.issuer,
      style: this.style,
      client,
      scopes,
      audience,
      iat,
      jti,
    });
    const exp = typeof claims.exp === 'number' ? claims.exp : iat + client.tokenLifetime;
    // The client's extra claims may replace the jti: revocation must know the one the token carries.
    const tokenJti = typeof claims.jti === 'string' ? claims.jti : jti;
    let accessToken: string;
    if (client.tokenFormat === 'opaque') {
      accessToken = randomToken(32);
      this.grants.recordAccess({ clientId: client.clientId, jti: tokenJti, exp, claims }, accessToken);
    } else {
      const key = await this.keys.signingKey();
      accessToken = await signJwt(
        claims,
        { alg: key.alg, typ: accessTokenType(this.style), kid: key.kid },
        key.privateKey,
      );
      this.grants.recordAccess({ clientId: client.clientId, jti: tokenJti, exp, claims });
    }
    let refreshToken: string | undefined;
    const refreshExpiresIn = client.refreshTokens ? this.settings.refreshTokenLifetime : 0;
    if (client.refreshTokens) {
      refreshToken = randomToken(32);
      this.grants.recordRefresh(refreshToken, {
        clientId: client.clientId,
        scopes,
        audience,
        iat,
        exp: iat + refreshExpiresIn,
      });
    }
    return { accessToken, expiresIn: exp - iat, scopes, refreshToken, refreshExpiresIn };
  }

  /** What this realm knows of a token that is still active, or `undefined` (unknown, expired, revoked). */
  async inspect(token: string): Promise<InspectedToken | undefined> {
    const opaque = this.grants.opaque(token);
    if (opaque !== undefined) {
      if (this.grants.isRevoked(opaque.jti)) return undefined;
      if (this.#orphaned(opaque.clientId, opaque.claims.iat)) return undefined;
      return {
        kind: 'access',
        clientId: opaque.clientId,
        claims: opaque.claims,
        revoke: () => this.grants.revoke(opaque.jti, opaque.exp),
      };
    }
    const refresh = this.grants.refresh(token);
    if (refresh !== undefined) {
      if (this.#orphaned(refresh.clientId, refresh.iat)) return undefined;
      return {
        kind: 'refresh',
        clientId: refresh.clientId,
        claims: {
          iss: this.issuer,
          client_id: refresh.clientId,
          scope: refresh.scopes.join(' '),
          iat: refresh.iat,
          exp: refresh.exp,
        },
        revoke: () => this.grants.consumeRefresh(token),
      };
    }
    if (token.split('.').length !== 3) return undefined;
    try {
      const { payload } = await jwtVerify(token, createLocalJWKSet(this.keys.jwks()), {
        issuer: this.issuer,
        algorithms: ASYMMETRIC,
        currentDate: new Date(this.settings.clock()),
        requiredClaims: ['exp'],
      });
      if (typeof payload.jti === 'string' && this.grants.isRevoked(payload.jti)) return undefined;
      const clientId =
        typeof payload.client_id === 'string'
          ? payload.client_id
          : typeof payload.azp === 'string'
            ? payload.azp
            : undefined;
      if (this.#orphaned(clientId, payload.iat)) return undefined;
      const { jti, exp } = payload;
      return {
        kind: 'access',
        clientId,
        claims: payload,
        revoke: () => {
          if (typeof jti === 'string' && typeof exp === 'number') this.grants.revoke(jti, exp);
        },
      };
    } catch {
      return undefined;
    }
  }
}
