import { randomBytes } from 'node:crypto';
import type { ReleaseLock } from '@m2m-auth/core';
import type { EntryRejection } from './events.js';
import type { EntryNames } from './keys.js';
import type { RedisLink } from './link.js';
import { compareAndDelete } from './scripts.js';

/**
 * What the lock needs around it: the link, and where to report a foreign value and publish a change.
 *
 * @example
 * ```ts
 * const context: LockContext = { link, reject: (r) => rejections.reject(key, r), publish: (n, m) => notifications.publish(n, m) };
 * ```
 */
export interface LockContext {
  link: RedisLink;
  reject(reason: EntryRejection): void;
  publish(names: EntryNames, message: string): void;
}

/** Released without Redis: the holder goes on alone, as when there is no lock at all. */
const ALONE: ReleaseLock = () => undefined;

/**
 * Takes the single-flight lock of an entry: `SET lock <random> NX PX ttl`. Resolves to its release (a
 * compare-and-delete of that random value, so a holder whose lock expired cannot free another's), or
 * `undefined` when another replica holds it. When Redis is unavailable, resolves to a release that does
 * nothing: the replica asks the token endpoint alone instead of waiting for a lock nobody can take. A
 * holder that dies frees the lock when its `PX` runs out.
 *
 * @example
 * ```ts
 * const release = await acquireLock(context, names, 12_000);
 * if (release) try { await refresh(); } finally { await release(); }
 * ```
 */
export async function acquireLock(
  context: LockContext,
  names: EntryNames,
  ttl: number,
): Promise<ReleaseLock | undefined> {
  const { link } = context;
  const px = String(Math.max(1, Math.ceil(ttl)));
  const value = randomBytes(18).toString('base64url');
  const reply = await link.send('lock', ['SET', names.lock, value, 'NX', 'PX', px], names.lock);
  if (!reply.ok) {
    if (reply.error === 'unavailable' && reply.sent) {
      // The SET may still run when Redis answers again; this one, sent after it, then undoes it.
      void compareAndDelete(link, 'unlock', names.lock, value, true);
    }
    return ALONE;
  }
  if (reply.value === null || reply.value === undefined) {
    // Held. A lock of ours always expires: one that never does is a foreign value; bound it, go alone.
    const pttl = await link.send('lock', ['PTTL', names.lock], names.lock);
    if (pttl.ok && pttl.value === -1) {
      context.reject('lock_without_ttl');
      void link.send('lock', ['PEXPIRE', names.lock, px], names.lock);
      return ALONE;
    }
    return undefined;
  }
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    const done = await compareAndDelete(link, 'unlock', names.lock, value);
    if (done.ok && done.value === 1) context.publish(names, 'unlock');
  };
}
