import { asReplyError, RedisReplyError } from '@m2m-auth/redis';
import { ReplyError } from 'ioredis';
import { ErrorReply } from 'redis';
import { describe, expect, it } from 'vitest';

describe('RedisReplyError', () => {
  it('has a stable code and keeps only the reply code, never the message', () => {
    const err = new RedisReplyError('WRONGTYPE');
    expect(err.code).toBe('redis_reply_error');
    expect(err.name).toBe('RedisReplyError');
    expect(err.replyCode).toBe('WRONGTYPE');
    expect(err.message).toBe('Redis answered with an error reply (WRONGTYPE)');
  });

  it('reads anything that is not a reply code as ERR', () => {
    expect(new RedisReplyError('token-abc').replyCode).toBe('ERR');
    expect(new RedisReplyError('').replyCode).toBe('ERR');
  });
});

describe('asReplyError', () => {
  it('turns the error replies of both clients into RedisReplyError', () => {
    const fromNodeRedis = asReplyError(new ErrorReply('NOSCRIPT No matching script. Please use EVAL.'));
    expect(fromNodeRedis).toBeInstanceOf(RedisReplyError);
    expect((fromNodeRedis as RedisReplyError).replyCode).toBe('NOSCRIPT');
    const ioredis = new (ReplyError as new (message: string) => Error)('WRONGTYPE Operation against a key');
    expect((asReplyError(ioredis) as RedisReplyError).replyCode).toBe('WRONGTYPE');
  });

  it('leaves other errors alone (they mean no answer)', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(asReplyError(refused)).toBe(refused);
    expect(asReplyError('text')).toBe('text');
    const already = new RedisReplyError('ERR');
    expect(asReplyError(already)).toBe(already);
  });
});
