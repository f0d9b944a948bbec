import { createHash } from 'node:crypto';
import type { RedisOperation } from './events.js';
import type { RedisLink, Reply } from './link.js';

/**
 * Compare-and-delete: deletes `KEYS[1]` only while it holds `ARGV[1]`; returns 1 when it deleted. Used to
 * release a lock (only the holder's random value frees it) and to invalidate a token entry (only the
 * value that was rejected goes, never a newer one).
 *
 * @example
 * ```ts
 * await commands.send(['EVAL', COMPARE_AND_DELETE, '1', lockKey, lockValue], { key: lockKey, signal });
 * ```
 */
export const COMPARE_AND_DELETE =
  "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

const SHA1 = createHash('sha1').update(COMPARE_AND_DELETE).digest('hex');

/**
 * Runs {@link COMPARE_AND_DELETE} on `key`: `EVALSHA` first, `EVAL` (which caches the script) when
 * Redis does not know it yet (`NOSCRIPT`, after a restart). Each command is bounded by the link.
 *
 * @example
 * ```ts
 * const reply = await compareAndDelete(link, 'unlock', names.lock, lockValue);
 * const released = reply.ok && reply.value === 1;
 * ```
 */
export async function compareAndDelete(
  link: RedisLink,
  operation: RedisOperation,
  key: string,
  expected: string,
  quietly = false,
): Promise<Reply> {
  const send = (args: string[]) => (quietly ? link.sendQuietly(args, key) : link.send(operation, args, key));
  const first = await send(['EVALSHA', SHA1, '1', key, expected]);
  if (first.ok || first.error !== 'reply' || first.replyCode !== 'NOSCRIPT') return first;
  return send(['EVAL', COMPARE_AND_DELETE, '1', key, expected]);
}
