import { RedisReplyError, type RedisStoreEvent } from '@m2m-auth/redis';
import { describe, expect, it } from 'vitest';
import { RedisHealth } from '../src/health.js';
import { RedisLink } from '../src/link.js';
import { fakeCommands, never } from './support/fake-commands.js';

function linkOf(answer: (args: readonly string[]) => unknown, timeout = 50) {
  const events: RedisStoreEvent[] = [];
  const commands = fakeCommands(answer);
  const link = new RedisLink(commands, timeout, new RedisHealth(60_000, (e) => events.push(e)));
  return { link, commands, events };
}

describe('RedisLink', () => {
  it('resolves with the reply; bulk strings given as bytes become strings', async () => {
    expect(await linkOf(() => 'OK').link.send('set', ['SET', 'k', 'v'], 'k')).toEqual({
      ok: true,
      value: 'OK',
    });
    const bytes = linkOf(() => Buffer.from('m2m1:p:{}'));
    expect(await bytes.link.send('get', ['GET', 'k'], 'k')).toEqual({ ok: true, value: 'm2m1:p:{}' });
  });

  it('gives the key to the command (cluster routing)', async () => {
    const { link, commands } = linkOf(() => null);
    await link.send('get', ['GET', 'k'], 'k');
    expect(commands.sent).toEqual([['GET', 'k']]);
  });

  it('bounds every command: no answer within the timeout is an outage, reported once; the command is aborted', async () => {
    const { link, commands, events } = linkOf(never, 30);
    const started = Date.now();
    expect(await link.send('get', ['GET', 'k'], 'k')).toEqual({
      ok: false,
      error: 'unavailable',
      sent: true,
    });
    expect(Date.now() - started).toBeLessThan(500);
    expect(commands.signals[0]!.aborted).toBe(true);
    expect(link.health.available).toBe(false);
    // Meanwhile commands are not even sent.
    expect(await link.send('get', ['GET', 'k'], 'k')).toEqual({
      ok: false,
      error: 'unavailable',
      sent: false,
    });
    expect(commands.sent).toHaveLength(1);
    expect(events).toEqual([
      { type: 'redis_unavailable', operation: 'get', reason: 'timeout', detail: undefined },
    ]);
  });

  it('a connection error is an outage, with its code and nothing of its message', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:6379 password=hunter2'), {
      code: 'ECONNREFUSED',
    });
    const { link, events } = linkOf(() => Promise.reject(refused));
    await link.send('lock', ['SET', 'k', 'v', 'NX'], 'k');
    expect(events).toEqual([
      { type: 'redis_unavailable', operation: 'lock', reason: 'connection', detail: 'ECONNREFUSED' },
    ]);
    const thrown = linkOf(() => {
      throw new TypeError('sync');
    });
    expect(await thrown.link.send('get', ['GET', 'k'], 'k')).toMatchObject({
      ok: false,
      error: 'unavailable',
    });
    expect(thrown.events[0]).toMatchObject({ detail: 'TypeError' });
  });

  it('error replies the store handles are answers; the others mean Redis cannot serve', async () => {
    const wrongType = linkOf(() => Promise.reject(new RedisReplyError('WRONGTYPE')));
    expect(await wrongType.link.send('get', ['GET', 'k'], 'k')).toEqual({
      ok: false,
      error: 'reply',
      replyCode: 'WRONGTYPE',
    });
    expect(wrongType.link.health.available).toBe(true);
    for (const [code, reason] of [
      ['LOADING', 'server_busy'],
      ['NOPERM', 'server_error'],
    ] as const) {
      const { link, events } = linkOf(() => Promise.reject(new RedisReplyError(code)));
      expect(await link.send('get', ['GET', 'k'], 'k')).toMatchObject({ ok: false, error: 'unavailable' });
      expect(events).toEqual([{ type: 'redis_unavailable', operation: 'get', reason, detail: code }]);
    }
  });

  it('sendQuietly goes through even while Redis is unavailable, and tells the health tracker nothing', async () => {
    let answer: () => unknown = never;
    const { link, commands, events } = linkOf(() => answer(), 20);
    await link.send('get', ['GET', 'k'], 'k');
    answer = () => 1;
    expect(await link.sendQuietly(['EVAL', 's', '1', 'k'], 'k')).toEqual({ ok: true, value: 1 });
    expect(commands.sent).toHaveLength(2);
    expect(link.health.available).toBe(false);
    expect(events).toHaveLength(1);
  });
});
