/**
 * The fleet suite, run once per Redis client library: replica processes sharing tokens through a real
 * redis-server, against a counting token endpoint; Redis killed, paused and fed garbage; a lock holder
 * killed; encrypted entries.
 */
import { randomBytes } from 'node:crypto';
import { entryNames, redisTokenStore, type RedisStoreEvent } from '@m2m-auth/redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  startCountingTokenEndpoint,
  type CountingTokenEndpoint,
} from '../support/counting-token-endpoint.js';
import {
  connectRedisClient,
  startRedisServer,
  type ClientKind,
  type RedisServer,
} from '../support/redis-server.js';
import {
  randomKeyHex,
  startFleet,
  type Fleet,
  type FleetRun,
  type ReplicaResult,
  type RunOptions,
} from './fleet.js';

/** Token lifetime (seconds), as the endpoint hands them out. */
export const LIFETIME = 2;
export const REPLICAS = 4;
export const CALLERS = 200;
/** Pause of each caller between two calls (ms): 200 callers make about 8000 calls a second per replica. */
export const PAUSE = 25;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every caller of every replica got valid tokens only, and never an error. */
export function expectServedWell(results: ReplicaResult[], replicas: number): void {
  expect(results).toHaveLength(replicas);
  for (const { stats } of results) {
    expect(stats.failures, `replica ${stats.id} failures`).toEqual({});
    expect(stats.expired, `replica ${stats.id} expired tokens`).toBe(0);
    expect(stats.calls, `replica ${stats.id} calls`).toBeGreaterThan(0);
  }
}

/** The events of `type` a replica reported. */
function eventsOf(result: ReplicaResult, type: string) {
  return result.events.filter((e) => e.type === type);
}

/** Every replica in `ids` asked the token endpoint itself at least once in `[from, to)`. */
function expectEachAskedAlone(
  endpoint: CountingTokenEndpoint,
  from: number,
  to: number,
  ids: readonly number[],
) {
  const askers = new Set(endpoint.requests.filter((r) => r.at >= from && r.at < to).map((r) => r.replica));
  for (const id of ids) expect(askers.has(String(id)), `replica ${id} asked alone`).toBe(true);
}

/** Runs `steps`, each at its offset (ms) from now, while `run` goes on; resolves with its results. */
async function during(run: FleetRun, steps: [number, () => unknown][]): Promise<ReplicaResult[]> {
  const start = Date.now();
  for (const [at, step] of steps) {
    await sleep(Math.max(0, start + at - Date.now()));
    await step();
  }
  return run.done;
}

export function fleetSuite(client: ClientKind): void {
  describe(`a fleet of ${REPLICAS} replicas on ${client}`, { timeout: 40_000 }, () => {
    let redis: RedisServer;
    let fleet: Fleet;
    let endpoint: CountingTokenEndpoint;
    let scenario = 0;

    beforeAll(async () => {
      [redis, fleet] = await Promise.all([startRedisServer(), startFleet(REPLICAS)]);
    });
    afterAll(async () => {
      await fleet?.stop();
      await redis?.stop();
    });
    afterEach(async () => {
      await endpoint?.close();
    });

    /** A fresh token endpoint and cache key for one scenario; its options. */
    async function scenarioOptions(extra: Partial<RunOptions> = {}): Promise<RunOptions> {
      scenario++;
      endpoint = await startCountingTokenEndpoint({ lifetime: LIFETIME });
      return {
        client,
        redisUrl: redis.url,
        tokenEndpoint: endpoint.url,
        clientId: `fleet-${scenario}`,
        prefix: `suite-${client}-${scenario}:`,
        callers: CALLERS,
        pause: PAUSE,
        ...extra,
      };
    }

    it(`${CALLERS} callers each ask the token endpoint about once per token lifetime, not ${REPLICAS}×`, async () => {
      const lifetimes = 3;
      const options = await scenarioOptions({ encryptionKey: randomKeyHex() });
      const started = Date.now();
      const results = await fleet.run(lifetimes * LIFETIME * 1000, options).done;
      expectServedWell(results, REPLICAS);
      const requests = endpoint.countBetween(started);
      const calls = results.reduce((n, r) => n + r.stats.calls, 0);
      console.info(
        `${client}: ${requests} token requests in ${lifetimes} lifetimes ` +
          `(${(requests / lifetimes).toFixed(2)} per lifetime), ${calls} getToken() calls`,
      );
      // Refresh-ahead starts a new token at ~75 % of the lifetime: 4 requests in 3 lifetimes is the norm.
      expect(requests).toBeGreaterThanOrEqual(lifetimes);
      expect(requests).toBeLessThanOrEqual(lifetimes * 2);
      // Every replica used only tokens the endpoint handed out, and they shared them.
      const issued = new Set(endpoint.requests.map((r) => r.token));
      for (const { stats } of results) {
        for (const token of Object.keys(stats.tokens)) expect(issued.has(token)).toBe(true);
      }
    });

    it('Redis killed mid-run: callers keep getting valid tokens; restarted: sharing resumes', async () => {
      const options = await scenarioOptions();
      const marks = { killed: 0, restarted: 0 };
      const results = await during(fleet.run(6000, options), [
        [1500, async () => (await redis.kill(), (marks.killed = Date.now()))],
        [3800, async () => (await redis.restart(), (marks.restarted = Date.now()))],
      ]);
      const end = Date.now();
      expectServedWell(results, REPLICAS);
      // The outage outlasted a token lifetime: each replica asked for its own token meanwhile.
      expectEachAskedAlone(endpoint, marks.killed, marks.restarted, fleet.ids);
      const down = endpoint.countBetween(marks.killed, marks.restarted);
      const after = endpoint.countBetween(marks.restarted);
      const settled = endpoint.countBetween(marks.restarted + 1000);
      console.info(
        `${client}: Redis down ${marks.restarted - marks.killed} ms: ${down} token requests while down; ` +
          `${after} in the ${end - marks.restarted} ms after the restart (${settled} after its first second)`,
      );
      // Back: one token serves the fleet again. A shared token is renewed at most every ~1.4 s, so the
      // ~1.2 s after the first second see at most 1 request (unshared: about one per replica).
      expect(settled).toBeLessThanOrEqual(1);
      expect(after).toBeLessThanOrEqual(3);
      for (const result of results) {
        // Reported once when it went, once when it came back: not per call.
        expect(eventsOf(result, 'redis_unavailable')).toHaveLength(1);
        expect(eventsOf(result, 'redis_recovered')).toHaveLength(1);
      }
    });

    it('Redis paused (SIGSTOP), then holding garbage: the same fallback, then sharing again', async () => {
      const options = await scenarioOptions();
      const run = fleet.run(6000, options);
      const { token } = entryNames(options.prefix, await run.cacheKey);
      const marks = { paused: 0, resumed: 0, garbage: 0 };
      const results = await during(run, [
        [1500, () => (redis.pause(), (marks.paused = Date.now()))],
        [3700, () => (redis.resume(), (marks.resumed = Date.now()))],
        [
          4200,
          async () => (
            await redis.command('SET', token, 'not a token of ours'),
            (marks.garbage = Date.now())
          ),
        ],
        [4900, async () => (await redis.command('DEL', token), await redis.command('HSET', token, 'a', 'b'))],
      ]);
      const end = Date.now();
      expectServedWell(results, REPLICAS);
      expectEachAskedAlone(endpoint, marks.paused, marks.resumed, fleet.ids);
      const afterGarbage = endpoint.countBetween(marks.garbage);
      console.info(
        `${client}: Redis paused ${marks.resumed - marks.paused} ms: ` +
          `${endpoint.countBetween(marks.paused, marks.resumed)} token requests while paused; ` +
          `${afterGarbage} in the ${end - marks.garbage} ms after the garbage; ` +
          `slowest call ${Math.max(...results.map((r) => r.stats.maxLatency))} ms`,
      );
      // Garbage reads as a miss served from each replica's own cache: it costs no extra requests.
      expect(afterGarbage).toBeLessThanOrEqual(2);
      for (const result of results) {
        // Every call bounded: a paused Redis costs one command timeout, then the fallback.
        expect(result.stats.slow, `replica ${result.stats.id}: calls over 1 s`).toBe(0);
        expect(eventsOf(result, 'redis_unavailable').map((e) => e.reason)).toEqual(['timeout']);
        expect(eventsOf(result, 'redis_recovered')).toHaveLength(1);
        const rejected = eventsOf(result, 'entry_rejected').map((e) => e.reason);
        expect(rejected).toContain('not_ours');
        expect(rejected).toContain('wrong_type');
      }
    });

    it('encrypted entries cannot be read back without the key; a wrong key is a miss', async () => {
      const { client: connection, close } = await connectRedisClient(client, redis.url);
      try {
        const k1 = { id: 'k1', key: randomBytes(32) };
        const events: RedisStoreEvent[] = [];
        const store = (options: Parameters<typeof redisTokenStore>[1]) =>
          redisTokenStore(connection, { prefix: 'enc:', onEvent: (e) => events.push(e), ...options });
        const value = `secret-${randomBytes(8).toString('hex')}`;
        const now = Date.now();
        const entry = {
          value,
          type: 'Bearer',
          scope: undefined,
          expiresAt: now + 5000,
          refreshAt: now + 4000,
        };
        await store({ encryptionKey: k1 }).set('m2m-auth:cc:enc', entry, 5000);
        const raw = (await redis.command('GET', entryNames('enc:', 'm2m-auth:cc:enc').token)).split(
          '\r\n',
        )[1]!;
        expect(raw.startsWith('m2m1:e:k1:')).toBe(true);
        expect(raw).not.toContain(value);
        expect((await store({ encryptionKey: k1 }).get('m2m-auth:cc:enc'))?.value).toBe(value);
        expect(await store({}).get('m2m-auth:cc:enc')).toBeUndefined();
        const sameIdOtherKey = { id: 'k1', key: randomBytes(32) };
        expect(await store({ encryptionKey: sameIdOtherKey }).get('m2m-auth:cc:enc')).toBeUndefined();
        expect(
          await store({ encryptionKey: { id: 'k2', key: randomBytes(32) } }).get('m2m-auth:cc:enc'),
        ).toBeUndefined();
        const rotated = store({ encryptionKey: [{ id: 'k2', key: randomBytes(32) }, k1] });
        expect((await rotated.get('m2m-auth:cc:enc'))?.value).toBe(value);
        // The entry, copied under another cache key, does not open there.
        await redis.command('SET', entryNames('enc:', 'm2m-auth:cc:other').token, raw);
        expect(await store({ encryptionKey: k1 }).get('m2m-auth:cc:other')).toBeUndefined();
        expect(events.map((e) => (e.type === 'entry_rejected' ? e.reason : e.type))).toEqual([
          'encrypted',
          'decrypt_failed',
          'unknown_key',
          'decrypt_failed',
        ]);
        expect(JSON.stringify(events)).not.toContain(value);
      } finally {
        await close();
      }
    });

    // Last: it kills a replica.
    it('a lock holder killed with SIGKILL: the others take over after the lock TTL', async () => {
      const options = await scenarioOptions({ callers: 20 });
      endpoint.hold(1);
      const run = fleet.run(4500, options);
      const { lock } = entryNames(options.prefix, await run.cacheKey);
      await endpoint.waitForRequests(1);
      const held = endpoint.requests[0]!;
      await fleet.kill(Number(held.replica));
      const pttl = Number((await redis.command('PTTL', lock)).slice(1));
      endpoint.release();
      const results = await run.done;
      expectServedWell(results, REPLICAS - 1);
      // The lock outlived its holder, then expired by itself (its TTL: the source's 2 s refresh budget).
      expect(pttl).toBeGreaterThan(1000);
      const expiry = held.at + pttl;
      const takeover = endpoint.requests.slice(1);
      console.info(
        `${client}: holder ${held.replica} killed holding the lock (${pttl} ms left); ` +
          `${takeover.length} requests after, the first ${takeover[0]!.at - held.at} ms after the holder's`,
      );
      // Nobody asked before the lock expired, and everybody had a token soon after.
      for (const request of takeover) expect(request.at).toBeGreaterThanOrEqual(expiry - 150);
      for (const { stats } of results) {
        expect(stats.firstTokenAt).toBeGreaterThanOrEqual(expiry - 150);
        expect(stats.firstTokenAt! - expiry).toBeLessThan(1500);
      }
    });
  });
}
