import { RedisReplyError, type RedisCommands } from './commands.js';
import type { RedisOperation, UnavailableReason } from './events.js';
import type { RedisHealth } from './health.js';

/**
 * The outcome of one command: its reply; Redis's error reply; or none, because Redis is unavailable
 * (`sent` tells whether the command may still run later).
 *
 * @example
 * ```ts
 * const reply = await link.send('get', ['GET', names.token], names.token);
 * if (reply.ok) use(reply.value);
 * ```
 */
export type Reply =
  | { ok: true; value: unknown }
  | { ok: false; error: 'reply'; replyCode: string }
  | { ok: false; error: 'unavailable'; sent: boolean };

/**
 * Error replies that are answers the store handles (a script to load, a key of another type); any other
 * (`LOADING`, `NOAUTH`, `NOPERM`, `CLUSTERDOWN`…) means this Redis cannot serve the store now.
 */
const ANSWERS = new Set(['NOSCRIPT', 'WRONGTYPE']);
const BUSY_REPLIES = new Set(['LOADING', 'BUSY', 'MASTERDOWN', 'CLUSTERDOWN', 'TRYAGAIN']);
const SKIPPED: Reply = { ok: false, error: 'unavailable', sent: false };

/** A short detail that cannot carry a secret: a socket error code or an error class name. */
function detailOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,31}$/.test(code)) return code;
  const name = err instanceof Error ? err.constructor.name : undefined;
  return name && /^[A-Za-z]{1,40}$/.test(name) ? name : undefined;
}

/** Bulk strings as strings, whichever way the client decodes them. */
function normalize(value: unknown): unknown {
  return value instanceof Uint8Array ? new TextDecoder().decode(value) : value;
}

/**
 * Every command of the store goes through here: skipped while Redis is unavailable (but for the probe),
 * bounded by `timeout` milliseconds, its outcome told to the health tracker. Never rejects.
 *
 * @example
 * ```ts
 * const link = new RedisLink(toRedisCommands(client), 250, health);
 * ```
 */
export class RedisLink {
  readonly commands: RedisCommands;
  readonly timeout: number;
  readonly health: RedisHealth;

  constructor(commands: RedisCommands, timeout: number, health: RedisHealth) {
    this.commands = commands;
    this.timeout = timeout;
    this.health = health;
  }

  /** Sends `args` unless Redis is unavailable; `key` routes it on a cluster. */
  async send(operation: RedisOperation, args: readonly string[], key: string | undefined): Promise<Reply> {
    const attempt = this.health.attempt();
    if (!attempt) return SKIPPED;
    const outcome = await this.#run(args, key);
    if (outcome.ok || outcome.error === 'reply') {
      this.health.succeeded(attempt, operation);
    } else {
      this.health.failed(attempt, operation, outcome.reason, outcome.detail);
    }
    return outcome.ok || outcome.error === 'reply'
      ? outcome
      : { ok: false, error: 'unavailable', sent: true };
  }

  /**
   * Sends `args` whatever the health, and tells the health tracker nothing: for clean-ups that follow
   * a failed command (the failure is already known).
   */
  async sendQuietly(args: readonly string[], key: string | undefined): Promise<Reply> {
    const outcome = await this.#run(args, key);
    return outcome.ok || outcome.error === 'reply'
      ? outcome
      : { ok: false, error: 'unavailable', sent: true };
  }

  async #run(
    args: readonly string[],
    key: string | undefined,
  ): Promise<
    | { ok: true; value: unknown }
    | { ok: false; error: 'reply'; replyCode: string }
    | { ok: false; error: 'failed'; reason: UnavailableReason; detail: string | undefined }
  > {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.timeout);
    });
    const pending = new Promise<unknown>((resolve) =>
      resolve(this.commands.send(args, { key, signal: controller.signal })),
    ).then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    try {
      const result = await Promise.race([pending, timedOut]);
      if (result === 'timeout') {
        controller.abort();
        return { ok: false, error: 'failed', reason: 'timeout', detail: undefined };
      }
      if ('value' in result) return { ok: true, value: normalize(result.value) };
      if (result.error instanceof RedisReplyError) {
        const { replyCode } = result.error;
        if (ANSWERS.has(replyCode)) return { ok: false, error: 'reply', replyCode };
        const reason = BUSY_REPLIES.has(replyCode) ? 'server_busy' : 'server_error';
        return { ok: false, error: 'failed', reason, detail: replyCode };
      }
      return { ok: false, error: 'failed', reason: 'connection', detail: detailOf(result.error) };
    } finally {
      clearTimeout(timer);
    }
  }
}
