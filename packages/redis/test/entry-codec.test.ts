import { randomBytes } from 'node:crypto';
import type { StoredToken } from '@m2m-auth/core';
import { describe, expect, it } from 'vitest';
import { keyRing } from '../src/encryption.js';
import { entryCodec } from '../src/entry-codec.js';

const entry: StoredToken = {
  value: 'eyJ.secret-token',
  type: 'Bearer',
  expiresAt: 1_800_000_000_000,
  refreshAt: 1_799_999_940_000,
  scope: 'read write',
};
const redisKey = 'm2m-auth:{m2m-auth:cc:ab}:token';

describe('entryCodec, plaintext', () => {
  const codec = entryCodec(undefined);

  it('writes a marked JSON value and reads it back', () => {
    const value = codec.encode(entry, redisKey);
    expect(value.startsWith('m2m1:p:{')).toBe(true);
    expect(codec.decode(value, redisKey)).toEqual({ entry });
    const noScope = { ...entry, scope: undefined };
    expect(codec.decode(codec.encode(noScope, redisKey), redisKey)).toEqual({ entry: noScope });
  });

  it('rejects values that are not ours, broken, or of the wrong shape', () => {
    const cases: [string, string][] = [
      ['eyJ.a-bare-token', 'not_ours'],
      ['{"value":"t"}', 'not_ours'],
      ['m2m1:p:{"value":', 'malformed'],
      ['m2m1:p:[1,2]', 'wrong_shape'],
      ['m2m1:p:null', 'wrong_shape'],
      ['m2m1:p:{"value":1,"type":"Bearer","expiresAt":2,"refreshAt":1}', 'wrong_shape'],
      ['m2m1:p:{"value":"","type":"Bearer","expiresAt":2,"refreshAt":1}', 'wrong_shape'],
      ['m2m1:p:{"value":"t","type":"Bearer","expiresAt":"2","refreshAt":1}', 'wrong_shape'],
      ['m2m1:p:{"value":"t","type":"Bearer","expiresAt":1,"refreshAt":2}', 'wrong_shape'],
      ['m2m1:p:{"value":"t","type":"Bearer","expiresAt":2,"refreshAt":1,"scope":7}', 'wrong_shape'],
      [`m2m1:p:${'x'.repeat(600_000)}`, 'too_large'],
      ['m2m1:e:k1:AAAA', 'encrypted'],
    ];
    for (const [value, rejected] of cases)
      expect(codec.decode(value, redisKey), value.slice(0, 60)).toEqual({ rejected });
  });
});

describe('entryCodec, encrypted', () => {
  const k1 = { id: 'k1', key: randomBytes(32) };
  const codec = entryCodec(keyRing(k1));

  it('seals entries: the value names the key, never shows the token, and reads back', () => {
    const value = codec.encode(entry, redisKey);
    expect(value).toMatch(/^m2m1:e:k1:[A-Za-z0-9_-]+$/);
    expect(value).not.toContain('secret-token');
    expect(value).not.toContain('read write');
    expect(codec.decode(value, redisKey)).toEqual({ entry });
    expect(codec.encode(entry, redisKey)).not.toBe(value); // a fresh IV each time
  });

  it('an entry moved to another Redis key does not open there', () => {
    const value = codec.encode(entry, redisKey);
    expect(codec.decode(value, 'm2m-auth:{m2m-auth:cc:cd}:token')).toEqual({ rejected: 'decrypt_failed' });
  });

  it('an entry relabelled with another key id does not open', () => {
    const both = entryCodec(keyRing([k1, { id: 'k2', key: k1.key }]));
    const value = codec.encode(entry, redisKey).replace('m2m1:e:k1:', 'm2m1:e:k2:');
    expect(both.decode(value, redisKey)).toEqual({ rejected: 'decrypt_failed' });
  });

  it('refuses plaintext entries (they could have been planted) and unknown keys', () => {
    expect(codec.decode(entryCodec(undefined).encode(entry, redisKey), redisKey)).toEqual({
      rejected: 'not_encrypted',
    });
    const other = entryCodec(keyRing({ id: 'k9', key: randomBytes(32) }));
    expect(codec.decode(other.encode(entry, redisKey), redisKey)).toEqual({ rejected: 'unknown_key' });
    expect(codec.decode('m2m1:e:k1', redisKey)).toEqual({ rejected: 'malformed' });
    expect(codec.decode('m2m1:e::AAAA', redisKey)).toEqual({ rejected: 'malformed' });
  });

  it('a sealed entry that decrypts to the wrong shape is refused', () => {
    const ring = keyRing(k1);
    const { payload } = ring.seal('{"value":42}', (id) => `m2m1:e:${id}|${redisKey}`);
    expect(codec.decode(`m2m1:e:k1:${payload}`, redisKey)).toEqual({ rejected: 'wrong_shape' });
  });
});
