import { toRedisCommands, type RedisCommands } from '@m2m-auth/redis';
import { describe, expect, it } from 'vitest';
import { CLIENT_KINDS } from '../../../test/support/redis-server.js';
import { RedisHealth } from '../src/health.js';
import { entryNames } from '../src/keys.js';
import { RedisLink } from '../src/link.js';
import { Notifications } from '../src/notifications.js';
import { fakeCommands, never } from './support/fake-commands.js';
import { useRedis } from './support/use-redis.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const names = (key: string) => entryNames('n:', key);
const options = { pubsub: true, pollInterval: 50, retryInterval: 1000 };

/** How long `promise` took to settle, in milliseconds. */
async function timed(promise: Promise<unknown>): Promise<number> {
  const started = Date.now();
  await promise;
  return Date.now() - started;
}

function notificationsOver(commands: RedisCommands, opts = options, timeout = 250) {
  const link = new RedisLink(commands, timeout, new RedisHealth(opts.retryInterval, () => undefined));
  return { link, notifications: new Notifications(link, names, opts) };
}

describe.each(CLIENT_KINDS)('Notifications on %s', (kind) => {
  const redis = useRedis(kind);

  it('wakes a waiter as soon as another connection publishes a change; otherwise waits out its timeout', async () => {
    const waiting = notificationsOver(toRedisCommands(await redis.connect()));
    const publisher = notificationsOver(toRedisCommands(redis.client));
    try {
      // The first wait only sets up the subscription: it wakes once Redis confirms it.
      expect(await timed(waiting.notifications.waitFor('k', 2000))).toBeLessThan(1000);
      waiting.notifications.markRead('k');
      expect(await timed(waiting.notifications.waitFor('k', 300))).toBeGreaterThanOrEqual(295);
      waiting.notifications.markRead('k');
      const woke = waiting.notifications.waitFor('k', 5000).then(() => Date.now());
      await sleep(30);
      const sent = Date.now();
      publisher.notifications.publish(names('k'), 'set');
      expect((await woke) - sent).toBeLessThan(200);
      // Messages on another entry's channel do not wake it.
      waiting.notifications.markRead('k');
      const other = timed(waiting.notifications.waitFor('k', 300));
      publisher.notifications.publish(names('other'), 'set');
      expect(await other).toBeGreaterThanOrEqual(295);
    } finally {
      await waiting.notifications.close();
    }
  });

  it('a change that came after the last read but before the wait: the wait returns at once', async () => {
    const waiting = notificationsOver(toRedisCommands(await redis.connect()));
    const publisher = notificationsOver(toRedisCommands(redis.client));
    try {
      await waiting.notifications.waitFor('late', 2000);
      waiting.notifications.markRead('late');
      publisher.notifications.publish(names('late'), 'set');
      await sleep(100);
      expect(await timed(waiting.notifications.waitFor('late', 2000))).toBeLessThan(20);
    } finally {
      await waiting.notifications.close();
    }
  });
});

describe('Notifications without pub/sub', () => {
  it('an abort, a timeout of 0 or a closed store: at once', async () => {
    const { notifications } = notificationsOver(fakeCommands(() => 1));
    const aborted = new AbortController();
    const waiting = timed(notifications.waitFor('k', 5000, aborted.signal));
    aborted.abort();
    expect(await waiting).toBeLessThan(40);
    expect(await timed(notifications.waitFor('k', 5000, AbortSignal.abort()))).toBeLessThan(10);
    expect(await timed(notifications.waitFor('k', 0))).toBeLessThan(10);
    await notifications.close();
    expect(await timed(notifications.waitFor('k', 5000))).toBeLessThan(10);
  });

  it('pubsub off, or a client without subscribe: waits at most pollInterval (the caller polls)', async () => {
    const off = notificationsOver(
      fakeCommands(() => 1),
      { ...options, pubsub: false },
    );
    expect(await timed(off.notifications.waitFor('k', 5000))).toBeLessThan(150);
    expect(await timed(off.notifications.waitFor('k', 20))).toBeLessThan(100);
    off.notifications.publish(names('k'), 'set');
    const sends = fakeCommands(() => 1);
    const none = notificationsOver(sends);
    expect(await timed(none.notifications.waitFor('k', 5000))).toBeLessThan(150);
    none.notifications.publish(names('k'), 'set');
    await sleep(5);
    expect(sends.sent).toEqual([['PUBLISH', 'n:{k}:changed', 'set']]);
  });

  it('a subscription Redis never confirms: polls, and tries again later', async () => {
    let subscribes = 0;
    const commands: RedisCommands = {
      ...fakeCommands(() => 1),
      subscribe: () => (subscribes++, never()),
    };
    const { notifications } = notificationsOver(commands, { ...options, retryInterval: 100 }, 20);
    // Pending: no longer than the confirmation's bound (4 × the command timeout), then polling.
    expect(await timed(notifications.waitFor('k', 5000))).toBeLessThan(300);
    expect(await timed(notifications.waitFor('k', 5000))).toBeLessThan(150);
    await sleep(120);
    await notifications.waitFor('k', 5000);
    expect(subscribes).toBe(2);
  });

  it('a subscription connection that is down: polls', async () => {
    const commands: RedisCommands = {
      ...fakeCommands(() => 1),
      subscribe: () => Promise.resolve(),
      subscriptionsReady: () => false,
    };
    const { notifications } = notificationsOver(commands);
    await notifications.waitFor('k', 5000);
    expect(await timed(notifications.waitFor('k', 5000))).toBeLessThan(150);
  });

  it('Redis becoming unavailable wakes every waiter; while it is, waits poll', async () => {
    const commands: RedisCommands = { ...fakeCommands(never), subscribe: () => Promise.resolve() };
    const { link, notifications } = notificationsOver(commands, options, 30);
    await notifications.waitFor('k', 5000); // subscribed
    const waiting = timed(notifications.waitFor('k', 5000));
    await link.send('get', ['GET', 'x'], 'x'); // times out: Redis unavailable
    expect(await waiting).toBeLessThan(300);
    expect(await timed(notifications.waitFor('k', 5000))).toBeLessThan(150);
  });

  it('never rejects, whatever subscribe does', async () => {
    const commands: RedisCommands = {
      ...fakeCommands(() => 1),
      subscribe: () => {
        throw new Error('sync failure');
      },
    };
    const { notifications } = notificationsOver(commands);
    await expect(notifications.waitFor('k', 200)).resolves.toBeUndefined();
  });
});
