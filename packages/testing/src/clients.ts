import { KeyObject } from 'node:crypto';
import { types } from 'node:util';
import type { CryptoKey, JSONWebKeySet, JWK } from 'jose';
import { isRecord, type JsonObject } from './lib/json.js';
import { randomId, randomToken } from './lib/random.js';

/**
 * How a client authenticates at the token, introspection and revocation endpoints.
 *
 * @example
 * ```ts
 * issuer.clients.add({ clientId: 'svc', clientSecret: 's', authMethod: 'client_secret_basic' });
 * ```
 */
export type ClientAuthMethod = 'client_secret_post' | 'client_secret_basic' | 'private_key_jwt';

/**
 * Where a client's permissions go in its access tokens: `'keycloak'` puts them in `realm_access.roles` and
 * in `resource_access[audience].roles` for each audience; `'permissions'` in a `permissions` array.
 *
 * @example
 * ```ts
 * issuer.clients.add({ permissions: ['AdministerClients'], permissionsClaim: 'permissions' });
 * // access token: { …, "permissions": ["AdministerClients"] }
 * ```
 */
export type PermissionsClaim = 'keycloak' | 'permissions';

/**
 * `'jwt'` for self-contained signed tokens, `'opaque'` for random strings only introspection understands.
 *
 * @example
 * ```ts
 * issuer.clients.add({ clientId: 'ibm-style', clientSecret: 's', tokenFormat: 'opaque' });
 * ```
 */
export type TokenFormat = 'jwt' | 'opaque';

/**
 * A client's public key for `private_key_jwt`: a JWK, a `KeyObject` or a `CryptoKey`.
 *
 * @example
 * ```ts
 * const { publicKey, privateKey } = await generateKeyPair('ES256');
 * issuer.clients.add({ clientId: 'keyed', publicKey }); // the client signs its assertions with privateKey
 * ```
 */
export type ClientPublicKey = JWK | KeyObject | CryptoKey;

/**
 * A client of the test issuer, as given to `startTestIssuer({ clients })` or `issuer.clients.add()`.
 *
 * @example
 * ```ts
 * const client: TestClientConfig = {
 *   clientId: 'MPS-test',
 *   clientSecret: 's3cret',
 *   scopes: ['project-45c0', 'tables:read'],
 *   permissions: ['AdministerClients'],
 *   tokenLifetime: 60,
 * };
 * ```
 */
export interface TestClientConfig {
  /** The client identifier. Generated (`client-…`) when omitted. */
  clientId?: string;
  /**
   * The client secret. Generated when omitted, unless the client authenticates only with
   * `private_key_jwt`; read it back from `issuer.clients.get(id).clientSecret`.
   */
  clientSecret?: string;
  /**
   * The scopes the client may ask for. A scope ending in `*` is a prefix (`project-*` allows
   * `project-45c0`). A request without `scope` gets every scope here that has no `*`. `openid` is always
   * allowed. Default is none.
   */
  scopes?: readonly string[];
  /** Permissions (roles) put in every access token, where {@link permissionsClaim} says. Default is none. */
  permissions?: readonly string[];
  /**
   * The claim that carries {@link permissions}. Default is `'keycloak'` for realms, `'permissions'` for the
   * plain issuer.
   */
  permissionsClaim?: PermissionsClaim;
  /**
   * Keycloak client roles, by the client id of the resource server that defines them: each goes in
   * `resource_access[clientId].roles` of every access token (whatever {@link permissionsClaim} says), and
   * not in `realm_access`, as Keycloak files a service account's client roles. Core's
   * `keycloak({ clientId: 'tables-api' })` mapper reads them. Default is none.
   *
   * @example
   * ```ts
   * issuer.clients.add({ clientId: 'svc', resourceRoles: { 'tables-api': ['AdministerClients'] } });
   * // access token: { …, "resource_access": { "tables-api": { "roles": ["AdministerClients"] } } }
   * ```
   */
  resourceRoles?: Readonly<Record<string, readonly string[]>>;
  /**
   * The `aud` of the client's tokens, and the only values its `resource` / `audience` request parameters
   * may name. Default is the issuer's `audience` option.
   */
  audience?: string | readonly string[];
  /** Access-token lifetime (in seconds). Default is 300. */
  tokenLifetime?: number;
  /** Access-token format. Default is `'jwt'`. */
  tokenFormat?: TokenFormat;
  /**
   * The only authentication method the client may use. Default: any method its credentials allow (a secret
   * allows `client_secret_post` and `client_secret_basic`, a key allows `private_key_jwt`).
   */
  authMethod?: ClientAuthMethod;
  /** The public keys that verify the client's `private_key_jwt` assertions. */
  jwks?: JSONWebKeySet;
  /** The public key that verifies the client's `private_key_jwt` assertions (instead of {@link jwks}). */
  publicKey?: ClientPublicKey;
  /** Whether token responses carry a refresh token (rotated on every use). Default is `false`. */
  refreshTokens?: boolean;
  /** Extra claims added to every access token of the client (after the standard ones). Default is none. */
  claims?: JsonObject;
  /** The realm the client belongs to, when the issuer has realms. Default is the first realm. */
  realm?: string;
}

/**
 * A registered client, as the issuer holds it (a frozen snapshot; change it with `issuer.clients.update`).
 *
 * @example
 * ```ts
 * const { clientId, clientSecret } = issuer.clients.add({ scopes: ['read'] });
 * ```
 */
export interface TestClient {
  readonly clientId: string;
  /** The current secret; `undefined` for a client that only uses `private_key_jwt`. */
  readonly clientSecret: string | undefined;
  readonly scopes: readonly string[];
  readonly permissions: readonly string[];
  readonly permissionsClaim: PermissionsClaim;
  /** Keycloak client roles by resource client id (`resource_access[clientId].roles`). */
  readonly resourceRoles: Readonly<Record<string, readonly string[]>>;
  readonly audience: readonly string[];
  /** Access-token lifetime (in seconds). */
  readonly tokenLifetime: number;
  readonly tokenFormat: TokenFormat;
  readonly authMethod: ClientAuthMethod | undefined;
  readonly jwks: JSONWebKeySet | undefined;
  readonly publicKey: ClientPublicKey | undefined;
  readonly refreshTokens: boolean;
  readonly claims: Readonly<JsonObject>;
  /** The realm, or `undefined` for the plain issuer. */
  readonly realm: string | undefined;
  /** The `sub` of the client's tokens in Keycloak mode (its service account), else the client id. */
  readonly subject: string;
  readonly createdAt: Date;
}

/**
 * Changes to a client: any field of {@link TestClientConfig} but its id and realm.
 *
 * @example
 * ```ts
 * issuer.clients.update('svc', { scopes: ['read'], tokenLifetime: 5 });
 * ```
 */
export type TestClientUpdate = Omit<TestClientConfig, 'clientId' | 'realm'>;

/**
 * Manages the clients of one realm (or of the plain issuer) while the issuer runs.
 *
 * @example
 * ```ts
 * const { clientId, clientSecret } = issuer.clients.add({ scopes: ['read'] });
 * issuer.clients.resetSecret(clientId); // the old secret fails at once
 * issuer.clients.remove(clientId);      // its JWTs verify until they expire; introspection says inactive
 * ```
 */
export interface ClientManager {
  /**
   * Registers a client and returns it, with its generated id and secret. On the top-level
   * `issuer.clients`, a `realm` field registers it in that realm. Throws a `TypeError` on an invalid
   * configuration or a taken id.
   */
  add(config?: TestClientConfig): TestClient;
  /** The client, or `undefined`. */
  get(clientId: string): TestClient | undefined;
  /** Every client, in registration order. */
  list(): TestClient[];
  /** Merges `changes` into the client (`undefined` values reset a field to its default); throws if unknown. */
  update(clientId: string, changes: TestClientUpdate): TestClient;
  /**
   * Deletes the client: it can no longer get tokens, its refresh tokens stop working and introspection
   * answers `{ active: false }` for its tokens, but its JWTs still verify until they expire. Returns
   * whether it existed.
   */
  remove(clientId: string): boolean;
  /** Replaces the secret (with `secret`, or a generated one) and returns it; the old one fails at once. */
  resetSecret(clientId: string, secret?: string): string;
  /** Revokes every token issued to the client so far (introspection answers inactive); throws if unknown. */
  revokeTokens(clientId: string): void;
}

/** Realm-wide defaults for client fields. */
export interface ClientDefaults {
  readonly permissionsClaim: PermissionsClaim;
  readonly audience: readonly string[];
  readonly realm: string | undefined;
}

const AUTH_METHODS: readonly ClientAuthMethod[] = [
  'client_secret_post',
  'client_secret_basic',
  'private_key_jwt',
];
const CONFIG_KEYS = new Set<string>([
  'clientId',
  'clientSecret',
  'scopes',
  'permissions',
  'permissionsClaim',
  'resourceRoles',
  'audience',
  'tokenLifetime',
  'tokenFormat',
  'authMethod',
  'jwks',
  'publicKey',
  'refreshTokens',
  'claims',
  'realm',
]);

function fail(path: string, message: string): never {
  throw new TypeError(`${path} ${message}`);
}

function optionalString(value: unknown, path: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') fail(path, 'must be a non-empty string');
  return value;
}

function stringList(value: unknown, path: string, noSpaces: boolean): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(path, 'must be an array of strings');
  return [
    ...new Set(
      value.map((item: unknown, i) => {
        if (typeof item !== 'string' || item === '') fail(`${path}[${i}]`, 'must be a non-empty string');
        if (noSpaces && /\s/.test(item)) fail(`${path}[${i}]`, 'must not contain spaces');
        return item;
      }),
    ),
  ];
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], path: string): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    fail(path, `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
  }
  return value as T;
}

function isCryptoKey(value: unknown): value is CryptoKey {
  return types.isCryptoKey(value);
}

function publicKeyOf(value: unknown, path: string): ClientPublicKey | undefined {
  if (value === undefined) return undefined;
  if (value instanceof KeyObject || isCryptoKey(value)) {
    if (value.type !== 'public') fail(path, 'must be a public key');
    return value;
  }
  if (isRecord(value) && typeof value.kty === 'string') {
    if ('d' in value) fail(path, 'must be a public JWK (it has a private part, "d")');
    return value;
  }
  return fail(path, 'must be a public JWK, KeyObject or CryptoKey');
}

function jwksOf(value: unknown, path: string): JSONWebKeySet | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value) || !Array.isArray(value.keys) || !value.keys.every(isRecord)) {
    fail(path, 'must be a JWKS ({ keys: [...] })');
  }
  if (value.keys.some((k) => 'd' in k)) fail(path, 'must hold public keys only');
  return value as unknown as JSONWebKeySet;
}

function resourceRolesOf(value: unknown, path: string): Record<string, string[]> {
  if (value === undefined) return {};
  if (!isRecord(value)) fail(path, "must be an object of role lists by client id ({ 'tables-api': ['…'] })");
  const roles: Record<string, string[]> = {};
  for (const [clientId, list] of Object.entries(value)) {
    if (clientId === '') fail(path, 'must not have an empty client id');
    roles[clientId] = stringList(list, `${path}[${JSON.stringify(clientId)}]`, false);
  }
  return roles;
}

/** The stored form of a client. */
export interface StoredClient extends TestClient {
  readonly resourceRoles: Readonly<Record<string, string[]>>;
  readonly scopes: string[];
  readonly permissions: string[];
  readonly audience: string[];
}

/**
 * Validates a client configuration (typed, or JSON from the admin API) and completes it with defaults.
 * Throws a `TypeError` whose message starts with `path` and names the field.
 */
export function normalizeClient(
  input: unknown,
  path: string,
  defaults: ClientDefaults,
  previous?: StoredClient,
): StoredClient {
  if (input === undefined) input = {};
  if (!isRecord(input)) fail(path, 'must be an object');
  for (const key of Object.keys(input)) {
    if (!CONFIG_KEYS.has(key)) fail(`${path}.${key}`, 'is not a client option');
  }
  const clientId = optionalString(input.clientId, `${path}.clientId`) ?? `client-${randomToken(9)}`;
  const authMethod = oneOf(input.authMethod, AUTH_METHODS, `${path}.authMethod`);
  const jwks = jwksOf(input.jwks, `${path}.jwks`);
  const publicKey = publicKeyOf(input.publicKey, `${path}.publicKey`);
  if (jwks !== undefined && publicKey !== undefined) fail(`${path}.jwks`, 'and publicKey are exclusive');
  const hasKey = jwks !== undefined || publicKey !== undefined;
  if (authMethod === 'private_key_jwt' && !hasKey) {
    fail(`${path}.authMethod`, "is 'private_key_jwt' but the client has neither jwks nor publicKey");
  }
  let clientSecret = optionalString(input.clientSecret, `${path}.clientSecret`);
  if (
    clientSecret === undefined &&
    authMethod !== 'private_key_jwt' &&
    (!hasKey || authMethod !== undefined)
  ) {
    clientSecret = randomToken(24);
  }
  const tokenLifetime = input.tokenLifetime ?? 300;
  if (typeof tokenLifetime !== 'number' || !Number.isInteger(tokenLifetime) || tokenLifetime < 1) {
    fail(`${path}.tokenLifetime`, 'must be a positive whole number of seconds');
  }
  const refreshTokens = input.refreshTokens ?? false;
  if (typeof refreshTokens !== 'boolean') fail(`${path}.refreshTokens`, 'must be a boolean');
  const audience =
    typeof input.audience === 'string'
      ? stringList([input.audience], `${path}.audience`, false)
      : stringList(input.audience, `${path}.audience`, false);
  const claims = input.claims ?? {};
  if (!isRecord(claims)) fail(`${path}.claims`, 'must be an object');
  const realm = optionalString(input.realm, `${path}.realm`) ?? defaults.realm;
  if (realm !== defaults.realm) fail(`${path}.realm`, `must be '${String(defaults.realm)}' here`);

  return {
    clientId,
    clientSecret,
    scopes: stringList(input.scopes, `${path}.scopes`, true),
    permissions: stringList(input.permissions, `${path}.permissions`, false),
    permissionsClaim:
      oneOf(input.permissionsClaim, ['keycloak', 'permissions'], `${path}.permissionsClaim`) ??
      defaults.permissionsClaim,
    resourceRoles: resourceRolesOf(input.resourceRoles, `${path}.resourceRoles`),
    audience: audience.length > 0 ? audience : [...defaults.audience],
    tokenLifetime,
    tokenFormat: oneOf(input.tokenFormat, ['jwt', 'opaque'], `${path}.tokenFormat`) ?? 'jwt',
    authMethod,
    jwks,
    publicKey,
    refreshTokens,
    claims: claims as JsonObject,
    realm,
    subject: previous?.subject ?? (defaults.realm === undefined ? clientId : randomId()),
    createdAt: previous?.createdAt ?? new Date(),
  };
}

/** A snapshot of a stored client that callers cannot use to change it. */
export function snapshot(client: StoredClient): TestClient {
  return Object.freeze({
    ...client,
    scopes: Object.freeze([...client.scopes]),
    permissions: Object.freeze([...client.permissions]),
    resourceRoles: Object.freeze(
      Object.fromEntries(
        Object.entries(client.resourceRoles).map(([id, roles]) => [id, Object.freeze([...roles])]),
      ),
    ),
    audience: Object.freeze([...client.audience]),
  });
}

/**
 * The JSON form of a client for the admin API: everything but the secret and non-JSON keys.
 */
export function clientToJson(client: StoredClient, withSecret = false): JsonObject {
  const json: JsonObject = {
    clientId: client.clientId,
    scopes: client.scopes,
    permissions: client.permissions,
    permissionsClaim: client.permissionsClaim,
    resourceRoles: Object.fromEntries(
      Object.entries(client.resourceRoles).map(([id, roles]) => [id, [...roles]]),
    ),
    audience: client.audience,
    tokenLifetime: client.tokenLifetime,
    tokenFormat: client.tokenFormat,
    refreshTokens: client.refreshTokens,
    claims: client.claims,
    hasSecret: client.clientSecret !== undefined,
    hasKey: client.jwks !== undefined || client.publicKey !== undefined,
    createdAt: client.createdAt.toISOString(),
  };
  if (client.authMethod !== undefined) json.authMethod = client.authMethod;
  if (client.realm !== undefined) json.realm = client.realm;
  if (client.jwks !== undefined) json.jwks = client.jwks as unknown as JsonObject;
  if (withSecret && client.clientSecret !== undefined) json.clientSecret = client.clientSecret;
  return json;
}

/** The clients of one realm. */
export class ClientRegistry {
  readonly #clients = new Map<string, StoredClient>();
  readonly defaults: ClientDefaults;

  constructor(defaults: ClientDefaults) {
    this.defaults = defaults;
  }

  get(clientId: string): StoredClient | undefined {
    return this.#clients.get(clientId);
  }

  list(): StoredClient[] {
    return [...this.#clients.values()];
  }

  /** Validates and registers a client; throws a `TypeError` if invalid or if the id is taken. */
  add(config: unknown, path: string): StoredClient {
    const client = normalizeClient(config, path, this.defaults);
    if (this.#clients.has(client.clientId)) {
      fail(`${path}.clientId`, `'${client.clientId}' is already registered`);
    }
    this.#clients.set(client.clientId, client);
    return client;
  }

  /** Replaces the client's configuration (PUT) or merges into it (PATCH); the secret stays unless given. */
  update(clientId: string, changes: unknown, path: string, merge: boolean): StoredClient {
    const previous = this.#clients.get(clientId);
    if (previous === undefined) fail(path, `names no client ('${clientId}')`);
    if (!isRecord(changes)) fail(path, 'must be an object');
    if (changes.clientId !== undefined && changes.clientId !== clientId) {
      fail(`${path}.clientId`, 'cannot be changed');
    }
    const base: Record<string, unknown> = merge
      ? { ...previous, subject: undefined, createdAt: undefined }
      : { clientSecret: previous.clientSecret };
    delete base.subject;
    delete base.createdAt;
    const merged: Record<string, unknown> = { ...base, ...changes, clientId, realm: previous.realm };
    if (merged.clientSecret === undefined && !('clientSecret' in changes)) {
      merged.clientSecret = previous.clientSecret;
    }
    for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
    const next = normalizeClient(merged, path, this.defaults, previous);
    this.#clients.set(clientId, next);
    return next;
  }

  remove(clientId: string): boolean {
    return this.#clients.delete(clientId);
  }

  resetSecret(clientId: string, secret: string | undefined, path: string): string {
    const client = this.#clients.get(clientId);
    if (client === undefined) fail(path, `names no client ('${clientId}')`);
    const clientSecret = optionalString(secret, `${path}.clientSecret`) ?? randomToken(24);
    this.#clients.set(clientId, { ...client, clientSecret });
    return clientSecret;
  }
}
