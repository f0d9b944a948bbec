import { toRedisCommands, type EntryRejection } from '@m2m-auth/redis';
import { describe, expect, it } from 'vitest';
import { CLIENT_KINDS } from '../../../test/support/redis-server.js';
import { RedisHealth } from '../src/health.js';
import { entryNames } from '../src/keys.js';
import { RedisLink } from '../src/link.js';
import { acquireLock, type LockContext } from '../src/lock.js';
import { fakeCommands, never } from './support/fake-commands.js';
import { raw, useRedis } from './support/use-redis.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function context(link: RedisLink) {
  const rejected: EntryRejection[] = [];
  const published: string[] = [];
  const ctx: LockContext = {
    link,
    reject: (reason) => rejected.push(reason),
    publish: (names, message) => published.push(`${names.channel} ${message}`),
  };
  return { ctx, rejected, published };
}

describe.each(CLIENT_KINDS)('acquireLock on %s', (kind) => {
  const redis = useRedis(kind);
  const linkOf = () =>
    new RedisLink(toRedisCommands(redis.client), 1000, new RedisHealth(1000, () => undefined));
  let n = 0;
  const fresh = () => entryNames('lock-test:', `m2m-auth:cc:${kind}-${++n}`);

  it('one holder at a time: SET NX PX with a random value; released by compare-and-delete', async () => {
    const names = fresh();
    const { ctx, published } = context(linkOf());
    const release = await acquireLock(ctx, names, 5000);
    expect(release).toBeTypeOf('function');
    const value = await raw(redis.server, 'GET', names.lock);
    expect(value).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const pttl = Number(await raw(redis.server, 'PTTL', names.lock));
    expect(pttl).toBeGreaterThan(4000);
    expect(pttl).toBeLessThanOrEqual(5000);
    expect(await acquireLock(ctx, names, 5000)).toBeUndefined();
    await release!();
    expect(await raw(redis.server, 'GET', names.lock)).toBeNull();
    expect(published).toEqual([`${names.channel} unlock`]);
    await release!(); // once only
    expect(published).toHaveLength(1);
  });

  it('a holder that dies frees the lock by its TTL', async () => {
    const names = fresh();
    const { ctx } = context(linkOf());
    expect(await acquireLock(ctx, names, 150)).toBeTypeOf('function');
    expect(await acquireLock(ctx, names, 150)).toBeUndefined();
    await sleep(200);
    expect(await acquireLock(ctx, names, 150)).toBeTypeOf('function');
  });

  it('a late release cannot free the next holder’s lock', async () => {
    const names = fresh();
    const { ctx } = context(linkOf());
    const first = await acquireLock(ctx, names, 100);
    await sleep(150);
    const second = await acquireLock(ctx, names, 5000);
    expect(second).toBeTypeOf('function');
    await first!();
    expect(await raw(redis.server, 'GET', names.lock)).not.toBeNull();
    await second!();
  });

  it('a lock value that never expires is not ours: bounded by the TTL, reported, and the caller goes alone', async () => {
    const names = fresh();
    await raw(redis.server, 'SET', names.lock, 'foreign');
    const { ctx, rejected } = context(linkOf());
    const release = await acquireLock(ctx, names, 3000);
    expect(release).toBeTypeOf('function');
    await release!();
    expect(rejected).toEqual(['lock_without_ttl']);
    await sleep(50);
    expect(Number(await raw(redis.server, 'PTTL', names.lock))).toBeGreaterThan(2000);
    expect(await raw(redis.server, 'GET', names.lock)).toBe('foreign');
  });

  it('a lock key of another type never expires either: the same', async () => {
    const names = fresh();
    await raw(redis.server, 'HSET', names.lock, 'a', 'b');
    const { ctx, rejected } = context(linkOf());
    expect(await acquireLock(ctx, names, 3000)).toBeTypeOf('function');
    expect(rejected).toEqual(['lock_without_ttl']);
  });
});

describe('acquireLock without Redis', () => {
  it('goes alone, and undoes a SET that might still run when Redis answers again', async () => {
    const commands = fakeCommands(never);
    const link = new RedisLink(commands, 20, new RedisHealth(60_000, () => undefined));
    const names = entryNames('p:', 'k');
    const release = await acquireLock(context(link).ctx, names, 1000);
    expect(release).toBeTypeOf('function');
    await release!();
    await sleep(10);
    const [set, cleanup] = commands.sent;
    expect(set).toEqual(['SET', names.lock, expect.any(String), 'NX', 'PX', '1000']);
    expect(cleanup).toEqual(['EVALSHA', expect.stringMatching(/^[0-9a-f]{40}$/), '1', names.lock, set![2]]);
    // Meanwhile (Redis unavailable) no further lock is even asked for.
    expect(await acquireLock(context(link).ctx, names, 1000)).toBeTypeOf('function');
    expect(commands.sent).toHaveLength(2);
  });
});
