import { createSecretKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { ConfigurationError } from '@m2m-auth/core';
import { describe, expect, it } from 'vitest';
import { keyRing } from '../src/encryption.js';

const aad = (keyId: string) => `aad|${keyId}`;

describe('keyRing', () => {
  it('seals with the first key, and opens what it sealed', () => {
    const ring = keyRing([
      { id: 'new', key: randomBytes(32) },
      { id: 'old', key: randomBytes(32) },
    ]);
    const { keyId, payload } = ring.seal('{"value":"tok"}', aad);
    expect(keyId).toBe('new');
    expect(payload).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(payload, 'base64url').toString('latin1')).not.toContain('tok');
    expect(ring.open(keyId, payload, aad(keyId))).toEqual({ plaintext: '{"value":"tok"}' });
  });

  it('opens entries sealed with any key of the ring (rotation)', () => {
    const old = { id: 'old', key: randomBytes(32) };
    const sealed = keyRing(old).seal('x', aad);
    expect(
      keyRing([{ id: 'new', key: randomBytes(32) }, old]).open('old', sealed.payload, aad('old')),
    ).toEqual({
      plaintext: 'x',
    });
  });

  it('fails closed: unknown key id, another key under the same id, other additional data, tampering', () => {
    const key = randomBytes(32);
    const { payload } = keyRing({ id: 'k1', key }).seal('x', aad);
    const ring = keyRing({ id: 'k1', key });
    expect(ring.open('k2', payload, aad('k2'))).toEqual({ failure: 'unknown_key' });
    expect(keyRing({ id: 'k1', key: randomBytes(32) }).open('k1', payload, aad('k1'))).toEqual({
      failure: 'decrypt_failed',
    });
    expect(ring.open('k1', payload, 'another key|k1')).toEqual({ failure: 'decrypt_failed' });
    const bytes = Buffer.from(payload, 'base64url');
    bytes[14]! ^= 1;
    expect(ring.open('k1', bytes.toString('base64url'), aad('k1'))).toEqual({ failure: 'decrypt_failed' });
    // A cut tag is refused, not checked against fewer bytes.
    const long = ring.seal('x'.repeat(40), aad).payload;
    expect(ring.open('k1', long.slice(0, -4), aad('k1'))).toEqual({ failure: 'decrypt_failed' });
    expect(ring.open('k1', 'AAAA', aad('k1'))).toEqual({ failure: 'malformed' });
    expect(ring.open('k1', 'not base64!', aad('k1'))).toEqual({ failure: 'malformed' });
  });

  it('copies the key: changing the caller’s buffer later changes nothing', () => {
    const key = randomBytes(32);
    const ring = keyRing({ id: 'k1', key });
    const { payload } = ring.seal('x', aad);
    key.fill(0);
    expect(ring.open('k1', payload, aad('k1'))).toEqual({ plaintext: 'x' });
  });

  it('accepts a secret KeyObject of 32 bytes', () => {
    const ring = keyRing({ id: 'k1', key: createSecretKey(randomBytes(32)) });
    expect(ring.open('k1', ring.seal('x', aad).payload, aad('k1'))).toEqual({ plaintext: 'x' });
  });

  it('refuses bad keys when the ring is built, naming the option', () => {
    const bad: [unknown, string][] = [
      [[], 'encryptionKey must not be an empty list'],
      ['k', 'encryptionKey must be an object { id, key }'],
      [{ id: 'k 1', key: randomBytes(32) }, 'encryptionKey.id must be 1 to 64 letters, digits, _ or -'],
      [{ id: '', key: randomBytes(32) }, 'encryptionKey.id must be'],
      [{ id: 'k1', key: randomBytes(16) }, 'encryptionKey.key must be 32 bytes'],
      [{ id: 'k1', key: 'a'.repeat(32) }, 'encryptionKey.key must be 32 bytes'],
      [
        { id: 'k1', key: createSecretKey(randomBytes(16)) },
        'encryptionKey.key must be a secret KeyObject of 32 bytes',
      ],
      [
        { id: 'k1', key: generateKeyPairSync('ed25519').privateKey },
        'encryptionKey.key must be a secret KeyObject',
      ],
      [
        [
          { id: 'k1', key: randomBytes(32) },
          { id: 'k1', key: randomBytes(32) },
        ],
        'encryptionKey[1].id k1 is used twice',
      ],
    ];
    for (const [keys, message] of bad) {
      expect(() => keyRing(keys as never), message).toThrow(ConfigurationError);
      expect(() => keyRing(keys as never)).toThrow(message);
    }
  });

  it('never puts key material in its error messages', () => {
    const key = Buffer.from('k'.repeat(31));
    expect(() => keyRing({ id: 'k1', key })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('kkk') }),
    );
  });
});
