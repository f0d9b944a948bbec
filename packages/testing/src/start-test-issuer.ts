import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JSONWebKeySet, JWTPayload } from 'jose';
import { snapshot, type ClientManager, type TestClientConfig } from './clients.js';
import {
  FaultInjector,
  ISSUER_ENDPOINTS,
  type FailNextOptions,
  type Fault,
  type IssuerEndpoint,
} from './faults.js';
import { createRouter } from './http/router.js';
import { KeyRing, type RotatedKey } from './keys.js';
import { randomToken } from './lib/random.js';
import { urlHost } from './lib/url-host.js';
import type { MintOptions } from './mint.js';
import { resolveOptions, type TestIssuerOptions } from './options.js';
import { RealmState, type IssuerRealm, type IssuerUrls, type RotateKeysOptions } from './realm.js';

/**
 * A running test issuer. Its URLs, `clients`, `mint` and `rotateKeys` are those of the default realm (the
 * first of `realms`, or the plain issuer); `realm(name)` reaches the others.
 *
 * @example
 * ```ts
 * await using issuer = await startTestIssuer({ clients: [{ clientId: 'svc', clientSecret: 's', scopes: ['read'] }] });
 * const res = await fetch(issuer.tokenEndpoint, {
 *   method: 'POST',
 *   body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'svc', client_secret: 's' }),
 * });
 * ```
 */
export interface TestIssuer extends IssuerUrls {
  /**
   * `http://{host}:{port}`, without a trailing slash; for a wildcard `host` (`0.0.0.0`, `::`), the
   * loopback address (`127.0.0.1`, `[::1]`).
   */
  readonly origin: string;
  /** The port the issuer listens on. */
  readonly port: number;
  /** The bearer token the admin API requires. */
  readonly adminToken: string;
  /** The realm names (empty for the plain issuer). */
  readonly realms: readonly string[];
  /**
   * The clients of the default realm. `add()` honours a `realm` field, registering the client there.
   */
  readonly clients: ClientManager;
  /** Requests so far by endpoint, across realms (a snapshot, including faulted requests). */
  readonly requests: Readonly<Record<IssuerEndpoint, number>>;

  /** One realm; throws a `TypeError` for an unknown name. */
  realm(name: string): IssuerRealm;
  /**
   * Signs a JWT with the key of the default realm (or `options.realm`). Defaults `iss`, `aud` (the
   * `audience` option), `iat` (now), `exp` (`iat` + `options.lifetime`, 300 s by default) and `jti`;
   * `claims` override them, and an `undefined` claim removes a default.
   */
  mint(claims?: JWTPayload, options?: MintOptions): Promise<string>;
  /** Replaces the signing key of the default realm (or `options.realm`). */
  rotateKeys(options?: RotateKeysOptions & { realm?: string }): Promise<RotatedKey>;
  /** The public JWKS of the default realm. */
  jwks(): JSONWebKeySet;
  /** Requests to an endpoint so far, across realms. */
  count(endpoint: IssuerEndpoint): number;
  /** Zeroes the request counters. */
  resetCounts(): void;

  /** The next `n` matching requests get a forced answer (503 by default) or a dropped connection. */
  failNext(n: number, options?: FailNextOptions): void;
  /** Every request to `endpoint` gets this fault until `resetFaults()` (`undefined` removes it). */
  setFault(endpoint: IssuerEndpoint, fault: Fault | undefined): void;
  /** Every answer of `endpoint` waits `ms` milliseconds (0 removes the delay). */
  setDelay(endpoint: IssuerEndpoint, ms: number): void;
  /** Removes every delay, fault and pending `failNext`. Counters stay (see `resetCounts`). */
  resetFaults(): void;

  /** Stops listening and drops open connections. Safe to call twice. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/**
 * Starts an OAuth 2.0 / OpenID Connect issuer on 127.0.0.1 for tests, local development and demos:
 * discovery and RFC 8414 metadata, JWKS, a token endpoint (client credentials with `client_secret_post`,
 * `client_secret_basic` and `private_key_jwt`; refresh tokens), RFC 7662 introspection, RFC 7009
 * revocation, a client-management REST API, and fault injection. Options are validated first; an invalid
 * one rejects with a `TypeError` that names it.
 *
 * @example
 * ```ts
 * import { startTestIssuer } from '@m2m-auth/testing';
 *
 * const issuer = await startTestIssuer({
 *   realms: ['acme'],
 *   clients: [{ clientId: 'MPS-test', clientSecret: 's3cret', scopes: ['project-45c0'], permissions: ['AdministerClients'] }],
 * });
 * issuer.issuer;        // http://127.0.0.1:PORT/auth/realms/acme
 * issuer.tokenEndpoint; // …/auth/realms/acme/protocol/openid-connect/token
 * await issuer.close();
 * ```
 */
export async function startTestIssuer(options?: TestIssuerOptions): Promise<TestIssuer> {
  const resolved = resolveOptions(options);
  const faults = new FaultInjector();
  const adminToken = resolved.adminToken ?? randomToken(24);
  const names: (string | undefined)[] = resolved.realms.length > 0 ? [...resolved.realms] : [undefined];
  const keyRings = await Promise.all(names.map(() => KeyRing.create(resolved.algorithm)));

  const aborter = new AbortController();
  const realms: RealmState[] = [];
  let origin = '';
  const router = createRouter({
    get origin() {
      return origin;
    },
    realms,
    faults,
    adminToken,
    signal: aborter.signal,
  });
  const server = createServer(router);
  const address = await listen(server, resolved.port, resolved.host);
  origin = `http://${urlHost(address)}:${address.port}`;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve, reject) => {
      aborter.abort();
      server.close((error) => (error === undefined ? resolve() : reject(error)));
      server.closeAllConnections();
    });
    return closing;
  };

  try {
    names.forEach((name, i) => {
      realms.push(
        new RealmState(name, keyRings[i]!, {
          origin,
          style: name === undefined ? 'oidc' : 'keycloak',
          algorithm: resolved.algorithm,
          audience: resolved.audience,
          refreshTokenLifetime: resolved.refreshTokenLifetime,
          clock: resolved.clock,
          faults,
        }),
      );
    });
    resolved.clients.forEach((config, i) => {
      realmOf(config.realm).clients.add(config, `startTestIssuer: options.clients[${i}]`);
    });
  } catch (error) {
    await close();
    throw error;
  }

  function realmOf(name: string | undefined): RealmState {
    if (name === undefined) return realms[0]!;
    const realm = realms.find((r) => r.name === name);
    if (realm === undefined) {
      throw new TypeError(
        realms[0]!.name === undefined
          ? `realm '${name}': the issuer has no realms (start it with options.realms)`
          : `realm '${name}' is not one of the realms (${resolved.realms.join(', ')})`,
      );
    }
    return realm;
  }

  const main = realms[0]!;
  const clients: ClientManager = {
    ...main.handle.clients,
    add: (config?: TestClientConfig) => {
      const realm = realmOf(config?.realm);
      return snapshot(realm.clients.add(config, 'issuer.clients.add(config)'));
    },
  };

  const issuer: TestIssuer = {
    ...main.urls,
    origin,
    port: address.port,
    adminToken,
    realms: Object.freeze([...resolved.realms]),
    clients: Object.freeze(clients),
    get requests() {
      return Object.fromEntries(ISSUER_ENDPOINTS.map((e) => [e, faults.count(e)])) as Record<
        IssuerEndpoint,
        number
      >;
    },
    realm: (name) => {
      if (typeof name !== 'string') throw new TypeError('issuer.realm(name) needs a realm name');
      return realmOf(name).handle;
    },
    mint: async (claims, mintOptions = {}) => {
      const { realm, ...rest } = mintOptions;
      return realmOf(realm).mint(claims, rest);
    },
    rotateKeys: async (rotateOptions = {}) => {
      const { realm, ...rest } = rotateOptions;
      return realmOf(realm).rotateKeys(rest);
    },
    jwks: () => main.keys.jwks(),
    count: (endpoint) => faults.count(endpoint),
    resetCounts: () => faults.resetCounts(),
    failNext: (n, failOptions) => faults.failNext(n, failOptions),
    setFault: (endpoint, fault) => faults.setFault(endpoint, fault),
    setDelay: (endpoint, ms) => faults.setDelay(endpoint, ms),
    resetFaults: () => faults.reset(),
    close,
    [Symbol.asyncDispose]: close,
  };
  return Object.freeze(issuer);
}
