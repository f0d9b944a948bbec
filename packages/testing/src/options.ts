import { normalizeClient, type TestClientConfig } from './clients.js';
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from './keys.js';
import { isRecord } from './lib/json.js';

/**
 * Options of {@link startTestIssuer}.
 *
 * @example
 * ```ts
 * const issuer = await startTestIssuer({
 *   realms: ['acme', 'globex'],
 *   audience: 'tables-api',
 *   clients: [
 *     { clientId: 'MPS-test', clientSecret: 's3cret', scopes: ['project-*'], realm: 'acme' },
 *     { clientId: 'other', clientSecret: 'other', scopes: ['read'], realm: 'globex' },
 *   ],
 * });
 * ```
 */
export interface TestIssuerOptions {
  /** The port to listen on. Default is 0 (a free port, read it from `issuer.port`). */
  port?: number;
  /**
   * The address to listen on. Default is `'127.0.0.1'`. With a wildcard (`'0.0.0.0'`, `'::'`) the URLs
   * name the loopback address (`127.0.0.1`, `[::1]`): reachable from this machine.
   */
  host?: string;
  /** The clients registered at start. Default is none; add more with `issuer.clients.add()`. */
  clients?: readonly TestClientConfig[];
  /**
   * Keycloak-style realms, each its own issuer at `/auth/realms/{realm}` with its own keys and clients,
   * Keycloak's paths, token responses and claims. The first is the default realm (the one the top-level
   * URLs and methods use). Default is none: one plain OIDC issuer at the root with RFC 9068 tokens.
   */
  realms?: readonly string[];
  /** The `aud` of tokens whose client sets none, and of minted tokens. Default is `'api'`. */
  audience?: string | readonly string[];
  /** The signing algorithm of every realm's keys. Default is `'RS256'`. */
  algorithm?: SigningAlgorithm;
  /** The bearer token of the admin API. Default is a random one (read it from `issuer.adminToken`). */
  adminToken?: string;
  /** Refresh-token lifetime (in seconds). Default is 1800. */
  refreshTokenLifetime?: number;
  /**
   * The clock (milliseconds since the epoch) for `iat`, `exp` and every expiry check. Default is
   * `Date.now`; pass your own to expire tokens without waiting.
   */
  clock?: () => number;
}

/** {@link TestIssuerOptions} validated and completed with defaults. */
export interface ResolvedOptions {
  readonly port: number;
  readonly host: string;
  readonly clients: readonly TestClientConfig[];
  readonly realms: readonly string[];
  readonly audience: readonly string[];
  readonly algorithm: SigningAlgorithm;
  readonly adminToken: string | undefined;
  readonly refreshTokenLifetime: number;
  readonly clock: () => number;
}

const KEYS = new Set([
  'port',
  'host',
  'clients',
  'realms',
  'audience',
  'algorithm',
  'adminToken',
  'refreshTokenLifetime',
  'clock',
]);

function fail(option: string, message: string): never {
  throw new TypeError(`startTestIssuer: options.${option} ${message}`);
}

function strings(value: unknown, option: string): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.some((v) => typeof v !== 'string' || v === '')) {
    fail(option, 'must be a non-empty string or an array of them');
  }
  return [...new Set(list as string[])];
}

/** Validates the options of {@link startTestIssuer}; throws a `TypeError` naming the option. */
export function resolveOptions(options: TestIssuerOptions | undefined): ResolvedOptions {
  const input: unknown = options ?? {};
  if (!isRecord(input)) throw new TypeError('startTestIssuer: options must be an object');
  for (const key of Object.keys(input)) if (!KEYS.has(key)) fail(key, 'is not an option');
  const o = input as TestIssuerOptions;

  const port = o.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    fail('port', 'must be a whole number from 0 to 65535');
  const host = o.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host === '') fail('host', 'must be a non-empty string');

  const realms = o.realms === undefined ? [] : strings(o.realms, 'realms');
  if (o.realms !== undefined && realms.length === 0) fail('realms', 'must name at least one realm');
  realms.forEach((realm, i) => {
    if (!/^[A-Za-z0-9._~-]+$/.test(realm)) fail(`realms[${i}]`, 'may hold only letters, digits and . _ ~ -');
  });

  const audience = o.audience === undefined ? ['api'] : strings(o.audience, 'audience');
  const algorithm = o.algorithm ?? 'RS256';
  if (!SIGNING_ALGORITHMS.includes(algorithm))
    fail('algorithm', `must be one of ${SIGNING_ALGORITHMS.join(', ')}`);
  if (o.adminToken !== undefined && (typeof o.adminToken !== 'string' || o.adminToken.length < 8)) {
    fail('adminToken', 'must be a string of at least 8 characters');
  }
  const refreshTokenLifetime = o.refreshTokenLifetime ?? 1800;
  if (!Number.isInteger(refreshTokenLifetime) || refreshTokenLifetime < 1) {
    fail('refreshTokenLifetime', 'must be a positive whole number of seconds');
  }
  const clock = o.clock ?? Date.now;
  if (typeof clock !== 'function') fail('clock', 'must be a function returning milliseconds');

  const clients = o.clients ?? [];
  if (!Array.isArray(clients)) fail('clients', 'must be an array');
  const ids = new Set<string>();
  clients.forEach((client: unknown, i) => {
    if (!isRecord(client)) fail(`clients[${i}]`, 'must be an object');
    const { realm } = client;
    if (realm !== undefined) {
      if (realms.length === 0) fail(`clients[${i}].realm`, 'needs options.realms');
      if (typeof realm !== 'string' || !realms.includes(realm)) {
        fail(`clients[${i}].realm`, `must be one of the realms (${realms.join(', ')})`);
      }
    }
    // The full check, before any key is generated or port taken.
    const inRealm = realm ?? realms[0];
    const checked = normalizeClient(client, `startTestIssuer: options.clients[${i}]`, {
      permissionsClaim: 'permissions',
      audience,
      realm: inRealm,
    });
    if (client.clientId !== undefined) {
      const key = `${inRealm ?? ''}\u0000${checked.clientId}`;
      if (ids.has(key)) fail(`clients[${i}].clientId`, `'${checked.clientId}' is already registered`);
      ids.add(key);
    }
  });

  return {
    port,
    host,
    clients,
    realms,
    audience,
    algorithm,
    adminToken: o.adminToken,
    refreshTokenLifetime,
    clock,
  };
}
