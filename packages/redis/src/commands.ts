import { M2mAuthError } from '@m2m-auth/core';

/**
 * How the store sends one command through {@link RedisCommands.send}.
 *
 * @example
 * ```ts
 * const options: RedisSendOptions = { key: 'm2m-auth:{cc:ab12}:token', signal: AbortSignal.timeout(250) };
 * ```
 */
export interface RedisSendOptions {
  /** The key the command touches (routes it to its node on a Redis Cluster); none for `PUBLISH`. */
  key: string | undefined;
  /**
   * Aborted when the store stopped waiting for the reply (its `commandTimeout`): a client that can should
   * drop the command if it was not written yet.
   */
  signal: AbortSignal;
}

/**
 * The small command interface the store talks to: one way to send a command, and optional pub/sub.
 * {@link toRedisCommands} builds it from a node-redis or an ioredis client; implement it yourself to
 * plug in another client.
 *
 * `send` resolves with the reply as the client decodes it (strings, numbers, `null`) and rejects with a
 * {@link RedisReplyError} when Redis answered with an error, with anything else when Redis could not
 * be reached.
 *
 * @example
 * ```ts
 * const commands: RedisCommands = {
 *   send: (args, { key }) => myClient.command(args, key),
 * };
 * const store = redisTokenStore(commands, { prefix: 'billing:' });
 * ```
 */
export interface RedisCommands {
  /** Sends `args` (`['SET', key, value, 'PX', '1000']`) and resolves with the reply. */
  send(args: readonly string[], options: RedisSendOptions): Promise<unknown>;
  /**
   * Subscribes to `channel` on a connection of its own; resolves once Redis confirmed the subscription.
   * Without it, {@link RedisTokenStore.waitFor} polls.
   */
  subscribe?(channel: string, listener: (message: string) => void): Promise<void>;
  /** Ends a subscription made with `subscribe`. */
  unsubscribe?(channel: string): Promise<void>;
  /** Whether the subscription connection is up now (messages can arrive). Default is `true`. */
  subscriptionsReady?(): boolean;
  /** Closes what the adapter opened itself (its subscription connection), never the client it was given. */
  close?(): Promise<void>;
}

/**
 * Redis answered a command with an error reply (`WRONGTYPE`, `NOSCRIPT`, `LOADING`…): what a
 * {@link RedisCommands.send} rejects with for an answer that is an error, as opposed to no answer.
 * `replyCode` is the reply's first word; neither the message nor the client's error is kept, since they
 * may quote what was sent.
 *
 * @example
 * ```ts
 * const err = new RedisReplyError('WRONGTYPE');
 * err.code; // 'redis_reply_error'
 * err.replyCode; // 'WRONGTYPE'
 * ```
 */
export class RedisReplyError extends M2mAuthError {
  readonly code = 'redis_reply_error' as const;
  /** The first word of the error reply, such as `WRONGTYPE`. */
  readonly replyCode: string;

  constructor(replyCode: string) {
    const word = /^[A-Z][A-Z_-]{0,31}$/.test(replyCode) ? replyCode : 'ERR';
    super(`Redis answered with an error reply (${word})`);
    this.replyCode = word;
  }
}

/** Names of the error classes by which node-redis (`ErrorReply`) and ioredis (`ReplyError`) mark replies. */
const REPLY_ERROR_NAMES = new Set(['ErrorReply', 'ReplyError', 'SimpleError', 'BlobError']);

/**
 * `err` as a {@link RedisReplyError} when it is a client's error reply (node-redis `ErrorReply`, ioredis
 * `ReplyError`), else `err` itself: what an adapter rejects with from `send`.
 *
 * @example
 * ```ts
 * send: (args) => client.call(args[0], args.slice(1)).catch((err: unknown) => { throw asReplyError(err); }),
 * ```
 */
export function asReplyError(err: unknown): unknown {
  if (!(err instanceof Error) || err instanceof RedisReplyError) return err;
  let reply = REPLY_ERROR_NAMES.has(err.name);
  for (
    let proto: unknown = Object.getPrototypeOf(err);
    !reply && proto;
    proto = Object.getPrototypeOf(proto)
  ) {
    const ctor = (proto as { constructor?: { name?: unknown } }).constructor;
    reply = typeof ctor?.name === 'string' && REPLY_ERROR_NAMES.has(ctor.name);
  }
  if (!reply) return err;
  return new RedisReplyError(err.message.split(' ', 1)[0] ?? 'ERR');
}
