import { toRedisCommands } from '@m2m-auth/redis';
import { describe, expect, it } from 'vitest';
import { CLIENT_KINDS } from '../../../test/support/redis-server.js';
import { RedisHealth } from '../src/health.js';
import { RedisLink } from '../src/link.js';
import { compareAndDelete } from '../src/scripts.js';
import { raw, useRedis } from './support/use-redis.js';

describe.each(CLIENT_KINDS)('compareAndDelete on %s', (kind) => {
  const redis = useRedis(kind);
  const link = () =>
    new RedisLink(toRedisCommands(redis.client), 1000, new RedisHealth(1000, () => undefined));

  it('deletes the key only while it holds the expected value', async () => {
    await raw(redis.server, 'SET', 'cad:a', 'mine');
    expect(await compareAndDelete(link(), 'unlock', 'cad:a', 'theirs')).toEqual({ ok: true, value: 0 });
    expect(await raw(redis.server, 'GET', 'cad:a')).toBe('mine');
    expect(await compareAndDelete(link(), 'unlock', 'cad:a', 'mine')).toEqual({ ok: true, value: 1 });
    expect(await raw(redis.server, 'GET', 'cad:a')).toBeNull();
    expect(await compareAndDelete(link(), 'unlock', 'cad:a', 'mine')).toEqual({ ok: true, value: 0 });
  });

  it('loads the script again when Redis forgot it (EVALSHA, then EVAL on NOSCRIPT)', async () => {
    await raw(redis.server, 'SCRIPT', 'FLUSH');
    await raw(redis.server, 'SET', 'cad:b', 'v');
    expect(await compareAndDelete(link(), 'delete', 'cad:b', 'v')).toEqual({ ok: true, value: 1 });
    await raw(redis.server, 'SET', 'cad:b', 'v');
    expect(await compareAndDelete(link(), 'delete', 'cad:b', 'v', true)).toEqual({ ok: true, value: 1 });
  });
});
