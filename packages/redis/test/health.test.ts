import type { RedisStoreEvent } from '@m2m-auth/redis';
import { describe, expect, it } from 'vitest';
import { RedisHealth } from '../src/health.js';

function tracker(retryInterval = 1000) {
  let now = 10_000;
  const events: RedisStoreEvent[] = [];
  const health = new RedisHealth(
    retryInterval,
    (e) => events.push(e),
    () => now,
  );
  return { health, events, advance: (ms: number) => (now += ms) };
}

describe('RedisHealth', () => {
  it('lets every command through while Redis is available', () => {
    const { health } = tracker();
    expect(health.available).toBe(true);
    expect(health.attempt()).toEqual({ startedAt: 10_000, probe: false });
    expect(health.attempt()).toEqual({ startedAt: 10_000, probe: false });
  });

  it('after a failure: reports once, then one probe per retryInterval, until one succeeds', () => {
    const { health, events, advance } = tracker(1000);
    const a = health.attempt()!;
    const b = health.attempt()!;
    health.failed(a, 'get', 'timeout', undefined);
    health.failed(b, 'set', 'timeout', undefined);
    expect(health.available).toBe(false);
    expect(health.attempt()).toBeUndefined();
    advance(999);
    expect(health.attempt()).toBeUndefined();
    advance(1);
    const probe = health.attempt()!;
    expect(probe.probe).toBe(true);
    expect(health.attempt()).toBeUndefined(); // one probe at a time
    health.failed(probe, 'get', 'connection', 'ECONNREFUSED');
    advance(500);
    expect(health.attempt()).toBeUndefined();
    advance(500);
    const second = health.attempt()!;
    advance(20);
    health.succeeded(second, 'lock');
    expect(health.available).toBe(true);
    expect(events).toEqual([
      { type: 'redis_unavailable', operation: 'get', reason: 'timeout', detail: undefined },
      { type: 'redis_recovered', operation: 'lock', downtime: 2020 },
    ]);
  });

  it('a late answer to a command sent before the outage does not end it', () => {
    const { health, events, advance } = tracker();
    const old = health.attempt()!;
    advance(10);
    health.failed(health.attempt()!, 'get', 'timeout', undefined);
    health.succeeded(old, 'get');
    expect(health.available).toBe(false);
    expect(events).toHaveLength(1);
  });

  it('a late failure of a command sent before the recovery does not start another outage', () => {
    const { health, events, advance } = tracker(100);
    const old = health.attempt()!;
    health.failed(health.attempt()!, 'get', 'timeout', undefined);
    advance(100);
    health.succeeded(health.attempt()!, 'get');
    health.failed(old, 'get', 'timeout', undefined);
    expect(health.available).toBe(true);
    expect(events.map((e) => e.type)).toEqual(['redis_unavailable', 'redis_recovered']);
  });

  it('tells listeners of each change, and survives a reporter that throws', () => {
    let changes = 0;
    const health = new RedisHealth(0, () => {
      throw new Error('listener');
    });
    const off = health.onChange(() => changes++);
    health.failed(health.attempt()!, 'get', 'timeout', undefined);
    health.succeeded(health.attempt()!, 'get');
    off();
    health.failed(health.attempt()!, 'get', 'timeout', undefined);
    expect(changes).toBe(2);
  });
});
