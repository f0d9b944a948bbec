import { ConfigurationError } from '@m2m-auth/core';
import { keyRing, type EncryptionKey, type KeyRing } from './encryption.js';
import type { RedisStoreEvent } from './events.js';

/**
 * Options of `redisTokenStore`. Durations are in milliseconds. Checked when the store is created: a
 * `ConfigurationError` names the bad option.
 *
 * @example
 * ```ts
 * redisTokenStore(client, {
 *   prefix: 'billing:',
 *   encryptionKey: { id: 'k1', key: Buffer.from(process.env.TOKEN_CACHE_KEY!, 'base64') },
 *   commandTimeout: 200,
 *   onEvent: (e) => log.warn(e),
 * });
 * ```
 */
export interface RedisTokenStoreOptions {
  /**
   * Prefix of every Redis key and channel of the store, so that applications (or environments) sharing a
   * Redis keep apart. No braces (`{`, `}`: the store places its own hash tag) and no whitespace. Default is
   * `'m2m-auth:'`.
   */
  prefix?: string;
  /**
   * Encrypt entries at rest with AES-256-GCM. One key, or a list for rotation: entries are sealed with
   * the first and opened with whichever the entry names. With a key, plaintext entries are refused (read
   * as a miss) and so are entries sealed with a key not in the list. Default is none (plaintext JSON):
   * anyone who can read the Redis can then use the tokens.
   */
  encryptionKey?: EncryptionKey | readonly EncryptionKey[];
  /**
   * Longest wait (in milliseconds) for the reply to any one command; past it, the command counts as
   * failed and the store behaves as if Redis were down. Default is 250.
   */
  commandTimeout?: number;
  /**
   * While Redis is unavailable, one command every this many milliseconds tries it again (the others go
   * straight to the replica's own cache). Default is 1000.
   */
  retryInterval?: number;
  /**
   * Publish each change of an entry on its channel, and wait for those messages in `waitFor`. Default is
   * `true`; `false` for a Redis (or proxy) without pub/sub.
   */
  pubsub?: boolean;
  /** Longest sleep (in milliseconds) of a `waitFor` that cannot use pub/sub. Default is 50. */
  pollInterval?: number;
  /**
   * Number of entries of each replica's own cache, used while Redis is unavailable or holds garbage.
   * Default is 1000.
   */
  fallbackEntries?: number;
  /** Receives outages, recoveries and rejected values (redacted); a listener that throws is ignored. */
  onEvent?: (event: RedisStoreEvent) => void;
}

/**
 * The options after checks, with their defaults; the encryption keys as a ring.
 *
 * @example
 * ```ts
 * const { prefix, commandTimeout } = resolveOptions({ prefix: 'billing:' }); // 'billing:', 250
 * ```
 */
export interface ResolvedOptions {
  prefix: string;
  ring: KeyRing | undefined;
  commandTimeout: number;
  retryInterval: number;
  pubsub: boolean;
  pollInterval: number;
  fallbackEntries: number;
  onEvent: (event: RedisStoreEvent) => void;
}

const KNOWN = new Set([
  'prefix',
  'encryptionKey',
  'commandTimeout',
  'retryInterval',
  'pubsub',
  'pollInterval',
  'fallbackEntries',
  'onEvent',
]);
const PREFIX = /^[^\s{}]{1,100}$/;

function duration(value: unknown, option: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > max) {
    throw new ConfigurationError(`${option} must be a number of milliseconds above 0, at most ${max}`);
  }
  return value;
}

/**
 * Checks `options` and fills in the defaults.
 *
 * @example
 * ```ts
 * resolveOptions({ commandTimeout: 0 }); // throws ConfigurationError: commandTimeout must be …
 * ```
 */
export function resolveOptions(options: RedisTokenStoreOptions | undefined): ResolvedOptions {
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
    throw new ConfigurationError('options must be an object');
  }
  const o: RedisTokenStoreOptions = options ?? {};
  for (const name of Object.keys(o)) {
    if (!KNOWN.has(name)) throw new ConfigurationError(`unknown option ${name}`);
  }
  const prefix = o.prefix ?? 'm2m-auth:';
  if (typeof prefix !== 'string' || !PREFIX.test(prefix)) {
    throw new ConfigurationError('prefix must be 1 to 100 characters, without braces or whitespace');
  }
  if (o.pubsub !== undefined && typeof o.pubsub !== 'boolean') {
    throw new ConfigurationError('pubsub must be a boolean');
  }
  if (o.onEvent !== undefined && typeof o.onEvent !== 'function') {
    throw new ConfigurationError('onEvent must be a function');
  }
  const fallbackEntries = o.fallbackEntries ?? 1000;
  if (!Number.isInteger(fallbackEntries) || fallbackEntries < 1) {
    throw new ConfigurationError('fallbackEntries must be a positive integer');
  }
  return {
    prefix,
    ring: o.encryptionKey === undefined ? undefined : keyRing(o.encryptionKey),
    commandTimeout: duration(o.commandTimeout, 'commandTimeout', 250, 60_000),
    retryInterval: duration(o.retryInterval, 'retryInterval', 1000, 300_000),
    pubsub: o.pubsub ?? true,
    pollInterval: duration(o.pollInterval, 'pollInterval', 50, 60_000),
    fallbackEntries,
    onEvent: o.onEvent ?? (() => undefined),
  };
}
